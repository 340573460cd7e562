import { describe, expect, it } from 'vitest';
import { replyFromConsole } from './harness/console-app.js';
import { startConversation } from './harness/conversation.js';
import { useE2E } from './harness/e2e-env.js';
import { unique } from './harness/unique.js';
import { openWidget, visitorMessage, widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('history after a reload', () => {
  it('shows the same conversation, both sides, once each, after the visitor reloads the page', async () => {
    const { visitor, agent, firstText } = await startConversation(e2e());
    const page = visitor.page;
    const answer = unique('Happy to help.');
    await replyFromConsole(agent.page, answer);
    await widgetMessage(page, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    await page.reload();
    await openWidget(page);
    await widgetMessage(page, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await visitorMessage(page, firstText).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    expect(await visitorMessage(page, firstText).getAttribute('data-status')).toBe('sent');
    expect(await visitorMessage(page, firstText).count()).toBe(1);
    expect(await widgetMessage(page, answer).count()).toBe(1);

    // Order is the conversation's order: the visitor's question comes before the answer.
    const texts = await page.getByRole('log', { name: 'Messages' }).innerText();
    expect(texts.indexOf(firstText)).toBeLessThan(texts.indexOf(answer));
  });
});
