import { describe, expect, it } from 'vitest';
import { replyFromConsole } from './harness/console-app.js';
import { startConversation } from './harness/conversation.js';
import { useE2E } from './harness/e2e-env.js';
import { unique } from './harness/unique.js';
import { closeWidget, launcher, openWidget, unreadBadge, widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('unread badge', () => {
  it('counts agent replies that arrive while the panel is closed and clears when it opens', async () => {
    const { visitor, agent } = await startConversation(e2e());
    const page = visitor.page;
    await closeWidget(page);
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');

    await replyFromConsole(agent.page, unique('Are you still there?'));
    await unreadBadge(page, 1).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    const second = unique('We can help with that.');
    await replyFromConsole(agent.page, second);
    await unreadBadge(page, 2).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    await openWidget(page);
    await widgetMessage(page, second).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await unreadBadge(page, 2).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
    const anyBadge = page.getByLabel(/\d+ unread/).or(page.getByText(/\d+ unread/));
    await expect.poll(() => anyBadge.filter({ visible: true }).count()).toBe(0);
  });
});
