import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CONSOLE_TIMEOUT_MS, consoleMessage, conversationRow, openConversation, replyFromConsole, signInConsole, visitorRegion } from './harness/console-app.js';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY, hostPage } from './harness/host-page.js';
import { postJson } from './harness/http-client.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

/** The demo site's secret, fixed for this file so the test can sign identities like a host server. */
const SITE_SECRET = 'e2e-site-secret-0123456789abcdef';
const e2e = useE2E({ args: ['--demo-site-secret', SITE_SECRET] });

/** A page that boots through the queue form and identifies its signed-in user. */
function identifiedPage(relayOrigin: string, user: Record<string, string>): string {
  const embed = [
    '<script>window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)};</script>',
    `<script>Parley('boot', { siteKey: 'demo' }); Parley('identify', ${JSON.stringify(user)});</script>`,
    `<script async src="${relayOrigin}/parley.js"></script>`,
  ].join('\n');
  return hostPage(relayOrigin, { title: 'My account - Acme', embed });
}

describe('identity verification', () => {
  it('marks a signed identity Verified and shows its history on another device', async () => {
    const env = e2e();
    const userId = unique('customer').replace(' ', '-');
    const userHash = createHmac('sha256', SITE_SECRET).update(userId).digest('hex');
    const url = env.host.page('/account', identifiedPage(env.relay.origin, { userId, userHash, name: 'Lin Verified', email: 'lin@example.com' }));

    const agent = await signInConsole(env.browser, env.relay);
    const laptop = await env.visitor();
    await laptop.page.goto(url);
    await openWidget(laptop.page);
    const question = unique('Where is my order?');
    await sendFromWidget(laptop.page, question);
    await expect.poll(() => visitorMessage(laptop.page, question).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');

    await conversationRow(agent.page, question).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await openConversation(agent.page, question);
    const context = visitorRegion(agent.page);
    await context.getByText('Lin Verified').first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText('Verified', { exact: true }).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    expect(await context.getByText('Not verified').count()).toBe(0);

    const phone = await env.visitor({ viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true });
    await phone.page.goto(url);
    await openWidget(phone.page);
    await visitorMessage(phone.page, question).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
  });

  it('keeps a labelled visitor\'s conversation in every tab when they sign in, as a new verified visitor', async () => {
    const env = e2e();
    const userId = unique('member').replace(' ', '-');
    const userHash = createHmac('sha256', SITE_SECRET).update(userId).digest('hex');
    // The page names its user before it can prove it (no hash yet): a label, "Not verified".
    const url = env.host.page('/signup', identifiedPage(env.relay.origin, { userId, name: 'Lin Guess' }));

    const agent = await signInConsole(env.browser, env.relay);
    const visitor = await env.visitor();
    const tabA = visitor.page;
    await tabA.goto(url);
    await openWidget(tabA);
    const question = unique('Can I change my plan?');
    await sendFromWidget(tabA, question);
    await expect.poll(() => visitorMessage(tabA, question).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
    const tabB = await visitor.context.newPage();
    await tabB.goto(url);
    await openWidget(tabB);
    await visitorMessage(tabB, question).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await conversationRow(agent.page, question).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await openConversation(agent.page, question);
    await visitorRegion(agent.page).getByText('Not verified').first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    // The user signs in: the page proves the identity in one tab.
    await tabA.evaluate(
      ([id, hash]) => (window as unknown as { Parley: (...args: unknown[]) => void }).Parley('identify', { userId: id, userHash: hash, name: 'Lin Verified' }),
      [userId, userHash] as const,
    );
    await visitorRegion(agent.page).getByText('Verified', { exact: true }).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    // Both tabs go on in the same conversation, as the verified user.
    const answer = unique('Yes, from your account page.');
    await replyFromConsole(agent.page, answer);
    await widgetMessage(tabA, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await widgetMessage(tabB, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    const followUp = unique('Thanks, from the other tab');
    await sendFromWidget(tabB, followUp);
    await expect.poll(() => visitorMessage(tabB, followUp).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
    await consoleMessage(agent.page, followUp).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
  });

  it('never marks an identity with a wrong hash Verified', async () => {
    const env = e2e();
    const claimed = { userId: 'someone-else', userHash: '0'.repeat(64), name: 'Mallory Guess' };
    const refused = await postJson(`${env.relay.origin}/api/visitors`, { siteKey: DEMO_SITE_KEY, user: claimed }, env.host.origin);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: 'identity_invalid' });

    const url = env.host.page('/forged', identifiedPage(env.relay.origin, claimed));
    const agent = await signInConsole(env.browser, env.relay);
    const { page } = await env.visitor();
    await page.goto(url);
    await openWidget(page);
    const question = unique('Show me their orders');
    await sendFromWidget(page, question);
    await conversationRow(agent.page, question).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await openConversation(agent.page, question);
    const context = visitorRegion(agent.page);
    await context.getByText(/My account - Acme|\/forged/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    expect(await context.getByText('Verified', { exact: true }).count()).toBe(0);
  });
});
