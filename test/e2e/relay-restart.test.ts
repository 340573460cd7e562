import { describe, expect, it } from 'vitest';
import { consoleMessage, inboxTab, openConversation, replyFromConsole } from './harness/console-app.js';
import { startConversation } from './harness/conversation.js';
import { useE2E } from './harness/e2e-env.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, widgetMessage } from './harness/widget.js';

const e2e = useE2E();

/** Reconnecting with backoff after a restart takes a few seconds; allow for the longest step. */
const RECOVERY_MS = 30_000;

describe('relay killed mid-conversation', () => {
  it('delivers the message typed while the relay was down exactly once after it restarts', async () => {
    const env = e2e();
    const { visitor, agent } = await startConversation(env);
    const page = visitor.page;

    await env.relay.kill();
    const whileDown = unique('Typed while the relay was down');
    await sendFromWidget(page, whileDown);
    const pending = visitorMessage(page, whileDown);
    await pending.waitFor({ state: 'visible' });
    expect(await pending.getAttribute('data-status')).toMatch(/^(sending|failed)$/);
    await expect.poll(() => pending.innerText()).toMatch(/Sending…|Not sent, retrying…/);
    // It stays unsent while nothing can acknowledge it.
    expect(await pending.getAttribute('data-status')).not.toBe('sent');

    await env.relay.restart();
    await expect.poll(() => pending.getAttribute('data-status'), { timeout: RECOVERY_MS }).toBe('sent');
    await consoleMessage(agent.page, whileDown).waitFor({ state: 'visible', timeout: RECOVERY_MS });

    // A later message proves the retry traffic has settled before counting copies.
    const after = unique('And one more after the restart');
    await sendFromWidget(page, after);
    await consoleMessage(agent.page, after).waitFor({ state: 'visible', timeout: RECOVERY_MS });
    expect(await consoleMessage(agent.page, whileDown).count()).toBe(1);
    expect(await visitorMessage(page, whileDown).count()).toBe(1);

    const answer = unique('Got it, once.');
    await replyFromConsole(agent.page, answer);
    await widgetMessage(page, answer).waitFor({ state: 'visible', timeout: RECOVERY_MS });

    // What is stored, not just what was drawn live: both sides reload and still show it once.
    await agent.page.reload();
    await inboxTab(agent.page, 'All open').click({ timeout: RECOVERY_MS });
    await openConversation(agent.page, answer);
    await consoleMessage(agent.page, whileDown).waitFor({ state: 'visible', timeout: RECOVERY_MS });
    expect(await consoleMessage(agent.page, whileDown).count()).toBe(1);
    await page.reload();
    await openWidget(page);
    await visitorMessage(page, whileDown).waitFor({ state: 'visible', timeout: RECOVERY_MS });
    expect(await visitorMessage(page, whileDown).count()).toBe(1);
    expect(await visitorMessage(page, whileDown).getAttribute('data-status')).toBe('sent');
  }, 90_000);
});
