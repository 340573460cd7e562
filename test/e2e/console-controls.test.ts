import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  CONSOLE_TIMEOUT_MS,
  consoleLog,
  conversationRow,
  gotoConsole,
  inboxNav,
  inboxTab,
  openConversation,
  signIn,
  signInConsole,
  visitorRegion,
  type InboxTabName,
} from './harness/console-app.js';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

/** The HTTP status a console upgrade with `token` gets: 101 when accepted (then closed at once). */
function upgradeStatus(wsUrl: string, token: string, origin: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`, { origin });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', () => undefined);
  });
}

const TABS: InboxTabName[] = ['Waiting', 'Mine', 'All open', 'Closed'];

describe('console controls by accessible name', () => {
  it('signs in through the Email, Password and Sign in controls and refuses a wrong password', async () => {
    const env = e2e();
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await gotoConsole(page, env.relay);
    expect(await page.title()).toBe('Parley console');
    await page.getByRole('textbox', { name: 'Email' }).fill(env.relay.adminEmail);
    await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').or(page.getByText(/invalid|incorrect|wrong/i)).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    expect(await inboxNav(page).count()).toBe(0);

    await signIn(page, env.relay.adminEmail, env.relay.adminPassword);
    for (const tab of TABS) {
      await expect.poll(() => inboxTab(page, tab).textContent()).toMatch(/\d/);
    }
    const sound = page.getByRole('button', { name: 'Sound' });
    expect(await sound.getAttribute('aria-pressed')).toMatch(/^(true|false)$/);
    const before = await sound.getAttribute('aria-pressed');
    await sound.click();
    await expect.poll(() => sound.getAttribute('aria-pressed')).not.toBe(before);

    // Signing out ends the session on the relay: the token the browser held opens nothing after.
    const token = await page.evaluate(() => localStorage.getItem('parley.console.token'));
    expect(await upgradeStatus(env.relay.wsUrl, token!, env.relay.publicOrigin)).toBe(101);
    const loggedOut = page.waitForResponse((response) => response.url().endsWith('/api/logout'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    expect((await loggedOut).status()).toBe(204);
    expect(await upgradeStatus(env.relay.wsUrl, token!, env.relay.publicOrigin)).toBe(401);
    await context.close();
  });

  it('assigns, resolves and reopens a conversation and shows the visitor\'s context', async () => {
    const env = e2e();
    const agent = await signInConsole(env.browser, env.relay);
    const page = agent.page;
    const visitor = await env.visitor();
    await visitor.page.goto(env.host.page('/help', hostPage(env.relay.origin, { title: 'Help center - Acme' })));
    await openWidget(visitor.page);
    const question = unique('My parcel is late');
    await sendFromWidget(visitor.page, question);
    await expect.poll(() => visitorMessage(visitor.page, question).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');

    await inboxTab(page, 'Waiting').click();
    await conversationRow(page, question).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    // Follow the row by the visitor's name: it stays while the timeline gains system lines.
    const visitorName = /Visitor \S{4}/.exec((await conversationRow(page, question).textContent()) ?? '')?.[0];
    expect(visitorName).toBeDefined();
    await openConversation(page, question);
    expect(await page.getByRole('textbox', { name: 'Reply' }).isEditable()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send', exact: true }).count()).toBe(1);

    const context = visitorRegion(page);
    await context.getByText(/Help center - Acme|\/help/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText(/^Visitor \S{4}$/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    // Anonymous: nothing claims an identity, so nothing is marked Verified.
    expect(await context.getByText('Verified', { exact: true }).count()).toBe(0);
    await context.getByText(/Chrom/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText(/Linux/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText(/\ben\b|en-US|English/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByText('Assigned to you').waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await inboxTab(page, 'Mine').click();
    await conversationRow(page, visitorName!).waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await inboxTab(page, 'Closed').click();
    await conversationRow(page, visitorName!).waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('button', { name: 'Resolve' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await consoleLog(page).getByText(/reopened the conversation/).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await inboxTab(page, 'All open').click();
    const row = conversationRow(page, visitorName!);
    await row.waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    // After "joined", "resolved" and "reopened" the row still previews what the visitor said,
    // and says the visitor is on the site (in its accessible name, not only by a coloured mark).
    await expect.poll(() => row.locator('.pc-row-text').textContent(), { timeout: CONSOLE_TIMEOUT_MS }).toBe(question);
    await page.getByRole('button', { name: new RegExp(`^${visitorName} \\(on the site\\) ${question}`) }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    // The visitor closes the page: the row follows, live.
    await visitor.context.close();
    await page.getByRole('button', { name: new RegExp(`^${visitorName} \\(left the site\\) ${question}`) }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
  });
});
