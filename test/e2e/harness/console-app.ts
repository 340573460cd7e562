/**
 * The agent's side: the Parley console served by the relay, found by the accessible names in
 * the contracts.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { RelayProcess } from './relay-process.js';
import { installSoundProbe } from './sound-probe.js';

/** How long a console update may take to show. */
export const CONSOLE_TIMEOUT_MS = 15_000;

/** The inbox views by their visible names. */
export type InboxTabName = 'Waiting' | 'Mine' | 'All open' | 'Closed';

/** A signed-in console. */
export interface ConsoleSession {
  context: BrowserContext;
  page: Page;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opens the console sign-in page of `relay` in `page`. */
export async function gotoConsole(page: Page, relay: RelayProcess): Promise<void> {
  await page.goto(`${relay.publicOrigin}/console/`);
}

/** Signs in with the given (default: admin) credentials on an open sign-in page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await inboxNav(page).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
}

/** A new browser context with the console open and the relay's admin signed in. */
export async function signInConsole(browser: Browser, relay: RelayProcess): Promise<ConsoleSession> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  await installSoundProbe(context);
  const page = await context.newPage();
  await gotoConsole(page, relay);
  await signIn(page, relay.adminEmail, relay.adminPassword);
  return { context, page };
}

/** The inbox navigation. */
export function inboxNav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Inbox' });
}

/** One inbox view's tab (or button); its name starts with the view's name and holds a count. */
export function inboxTab(page: Page, name: InboxTabName): Locator {
  const label = new RegExp(`^${escapeRegExp(name)}\\b`);
  return inboxNav(page).getByRole('tab', { name: label }).or(inboxNav(page).getByRole('button', { name: label })).first();
}

/** The inbox row (button or link) whose accessible name includes `text` (the last message). */
export function conversationRow(page: Page, text: string): Locator {
  const name = new RegExp(escapeRegExp(text));
  return page.getByRole('button', { name }).or(page.getByRole('link', { name })).first();
}

/** The open conversation's message log. */
export function consoleLog(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' });
}

/** A message shown in the open conversation with exactly this text. */
export function consoleMessage(page: Page, text: string): Locator {
  return consoleLog(page).getByText(text, { exact: true });
}

/** The reply box of the open conversation. */
export function replyBox(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Reply' });
}

/** Opens the conversation whose inbox row shows `text`, and waits for that text in its log. */
export async function openConversation(page: Page, text: string): Promise<void> {
  await conversationRow(page, text).click({ timeout: CONSOLE_TIMEOUT_MS });
  await consoleMessage(page, text).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
}

/** Sends a reply in the open conversation. */
export async function replyFromConsole(page: Page, text: string): Promise<void> {
  await replyBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** The visitor typing line of the open conversation. */
export function visitorTyping(page: Page): Locator {
  return page.getByText(/Visitor is typing/);
}

/** The region with the visitor's context. */
export function visitorRegion(page: Page): Locator {
  return page.getByRole('region', { name: 'Visitor' });
}
