import { describe, expect, it } from 'vitest';
import { consoleMessage, CONSOLE_TIMEOUT_MS, replyFromConsole } from './harness/console-app.js';
import { startConversation } from './harness/conversation.js';
import { useE2E } from './harness/e2e-env.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('two tabs of one visitor', () => {
  it('shows one conversation in both tabs and carries messages from either tab to the other', async () => {
    const { visitor, agent, firstText } = await startConversation(e2e(), '/catalog');
    const tabA = visitor.page;
    const tabB = await visitor.context.newPage();
    await tabB.goto(tabA.url());
    await openWidget(tabB);
    await visitorMessage(tabB, firstText).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    const fromB = unique('Sent from the second tab');
    await sendFromWidget(tabB, fromB);
    await visitorMessage(tabA, fromB).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await consoleMessage(agent.page, fromB).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });

    const fromA = unique('And this from the first tab');
    await sendFromWidget(tabA, fromA);
    await visitorMessage(tabB, fromA).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    const answer = unique('I see both of your messages.');
    await replyFromConsole(agent.page, answer);
    await widgetMessage(tabA, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await widgetMessage(tabB, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    for (const tab of [tabA, tabB]) {
      for (const text of [firstText, fromB, fromA]) {
        await expect.poll(() => visitorMessage(tab, text).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
        expect(await visitorMessage(tab, text).count()).toBe(1);
      }
    }
    expect(await consoleMessage(agent.page, fromB).count()).toBe(1);
    expect(await consoleMessage(agent.page, fromA).count()).toBe(1);
  });
});
