import { describe, expect, it } from 'vitest';
import {
  conversationRow,
  consoleMessage,
  CONSOLE_TIMEOUT_MS,
  inboxTab,
  openConversation,
  replyFromConsole,
  signInConsole,
} from './harness/console-app.js';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { soundCount } from './harness/sound-probe.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('conversation between a host page and the console', () => {
  it('carries a visitor message to the Waiting inbox with a sound and a title badge, and the reply back', async () => {
    const env = e2e();
    const agent = await signInConsole(env.browser, env.relay);
    const inbox = agent.page;
    await inboxTab(inbox, 'Waiting').click();
    await expect.poll(() => inbox.title()).toBe('Parley console');
    const sound = inbox.getByRole('button', { name: 'Sound' });
    if ((await sound.getAttribute('aria-pressed')) !== 'true') await sound.click();
    await expect.poll(() => sound.getAttribute('aria-pressed')).toBe('true');
    const soundsBefore = await soundCount(inbox);

    const { page } = await env.visitor();
    const url = env.host.page('/pricing', hostPage(env.relay.origin, { title: 'Pricing - Acme Store' }));
    expect(new URL(url).origin).not.toBe(new URL(env.relay.origin).origin);
    await page.goto(url);
    await openWidget(page);
    const question = unique('Do you ship to Busan?');
    await sendFromWidget(page, question);
    await expect
      .poll(() => visitorMessage(page, question).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS })
      .toBe('sent');

    const row = conversationRow(inbox, question);
    await row.waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    expect(await row.textContent()).toMatch(/Visitor \S{4}/);
    await expect.poll(() => inboxTab(inbox, 'Waiting').textContent(), { timeout: CONSOLE_TIMEOUT_MS }).toMatch(/1/);
    await expect.poll(() => inbox.title(), { timeout: CONSOLE_TIMEOUT_MS }).toBe('(1) Parley console');
    await expect.poll(() => soundCount(inbox), { timeout: CONSOLE_TIMEOUT_MS }).toBeGreaterThan(soundsBefore);

    await openConversation(inbox, question);
    // Seen now: the badge goes away.
    await expect.poll(() => inbox.title(), { timeout: CONSOLE_TIMEOUT_MS }).toBe('Parley console');
    const answer = unique('Yes, in two days.');
    await replyFromConsole(inbox, answer);
    await consoleMessage(inbox, answer).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    await widgetMessage(page, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    const followUp = unique('Great, thanks!');
    await sendFromWidget(page, followUp);
    await consoleMessage(inbox, followUp).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    expect(await consoleMessage(inbox, question).count()).toBe(1);
    expect(await widgetMessage(page, answer).count()).toBe(1);
  });
});
