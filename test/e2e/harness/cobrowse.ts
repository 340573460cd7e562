/**
 * Co-browse on both sides, found by the accessible names in the contracts: the widget's consent
 * prompts and sharing indicator on the visitor's page, the console's co-browse section, its tools
 * and its viewer. {@link startSharing} takes a conversation from "off" to a mirror showing the
 * visitor's page.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CobrowseScope } from '@parley/protocol';
import { CONSOLE_TIMEOUT_MS, gotoConsole, openConversation, signIn, signInConsole, type ConsoleSession } from './console-app.js';
import type { E2E } from './e2e-env.js';
import { mirrorElements } from './cobrowse-mirror.js';
import { firstMessage } from './conversation.js';
import { unique } from './unique.js';
import { sendFromWidget, visitorMessage, WIDGET_TIMEOUT_MS } from './widget.js';

/** How long a co-browse step may take to show on the other side (chunk load and snapshot included). */
export const COBROWSE_TIMEOUT_MS = 15_000;

/** The agent's display name (the relay's first admin). */
export const AGENT_NAME = 'Admin';

/** The widget's lazily loaded co-browse chunk, as the visitor's browser requests it. */
export const COBROWSE_CHUNK = /\/widget\/cobrowse[^/]*\.js(?:[?#]|$)/;

// ---------------------------------------------------------------------------------------------
// Visitor

/** The widget's consent prompt for `scope`. */
export function consentPrompt(page: Page, scope: CobrowseScope): Locator {
  const name = scope === 'view' ? /wants to see this page$/ : /asks to control this page$/;
  return page.getByRole('alertdialog', { name });
}

/** The sharing indicator, shown while the page is shared (panel open or not). */
export function sharingIndicator(page: Page): Locator {
  return page.getByRole('status', { name: 'Screen sharing' });
}

/** Accepts the pending view request in the widget. */
export async function shareThisPage(page: Page): Promise<void> {
  const prompt = consentPrompt(page, 'view');
  await prompt.waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
  await prompt.getByRole('button', { name: 'Share this page' }).click();
}

/** Accepts the pending control request in the widget. */
export async function allowControl(page: Page): Promise<void> {
  const prompt = consentPrompt(page, 'control');
  await prompt.waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
  await prompt.getByRole('button', { name: 'Allow control' }).click();
}

// ---------------------------------------------------------------------------------------------
// Console

/** The console's co-browse section (present while sharing). */
export function cobrowseSection(page: Page): Locator {
  return page.getByRole('region', { name: 'Co-browse' });
}

/** The viewer iframe inside the co-browse section. */
export function viewerIframe(page: Page): Locator {
  return page.locator('iframe[title="Visitor\'s page"]');
}

/** The co-browse toolbar. */
export function cobrowseTools(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Co-browse tools' });
}

/** One toggle of the co-browse toolbar. */
export function cobrowseTool(page: Page, name: 'Pointer' | 'Highlight' | 'Control'): Locator {
  return cobrowseTools(page).getByRole('button', { name, exact: true });
}

/** Asks the visitor to share the page from the open conversation. */
export async function askToSeePage(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Ask to see page' }).click({ timeout: CONSOLE_TIMEOUT_MS });
}

/** Presses a toolbar toggle and waits until it reads pressed. */
export async function selectTool(page: Page, name: 'Pointer' | 'Highlight' | 'Control'): Promise<void> {
  const tool = cobrowseTool(page, name);
  if ((await tool.getAttribute('aria-pressed')) !== 'true') await tool.click();
  await expect.poll(() => tool.getAttribute('aria-pressed'), { timeout: CONSOLE_TIMEOUT_MS }).toBe('true');
}

// ---------------------------------------------------------------------------------------------
// Flows

/** A visitor on a co-browse host page with a conversation open in the console. */
export interface CobrowseConversation {
  visitor: { context: BrowserContext; page: Page };
  agent: ConsoleSession;
  firstText: string;
}

/** Options of {@link startCobrowseConversation}. */
export interface ConversationSetup {
  /** Runs on the visitor's page before it loads (request and WebSocket listeners). */
  beforeVisit?(page: Page): void | Promise<void>;
  /** Runs on the console's page before it loads. */
  beforeConsole?(page: Page): void | Promise<void>;
}

/** Signs the admin in to a console in a new context; `before` runs before the console loads. */
export async function signInAgent(browser: Browser, env: E2E, before?: (page: Page) => void | Promise<void>): Promise<ConsoleSession> {
  if (!before) return signInConsole(browser, env.relay);
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await before(page);
  await gotoConsole(page, env.relay);
  await signIn(page, env.relay.adminEmail, env.relay.adminPassword);
  return { context, page };
}

/** Loads `url` for a new visitor, sends a first message and opens it in a signed-in console. */
export async function startCobrowseConversation(env: E2E, url: string, setup: ConversationSetup = {}): Promise<CobrowseConversation> {
  const agent = await signInAgent(env.browser, env, setup.beforeConsole);
  const visitor = await env.visitor();
  await setup.beforeVisit?.(visitor.page);
  await visitor.page.goto(url);
  const firstText = await firstMessage(visitor.page, agent.page, 'Can you help me with my order?');
  return { visitor, agent, firstText };
}

/** Waits until the agent's mirror holds an element matching `selector`. */
export async function waitForMirror(page: Page, selector: string): Promise<void> {
  await expect
    .poll(async () => (await mirrorElements(page, [selector]).catch(() => []))[0]?.found ?? false, { timeout: COBROWSE_TIMEOUT_MS })
    .toBe(true);
}

/**
 * Asks to see the page, accepts in the widget and waits until the mirror shows `readySelector`
 * and the visitor's indicator is on.
 */
export async function startSharing(visitor: Page, agent: Page, readySelector = '#headline'): Promise<void> {
  await askToSeePage(agent);
  await shareThisPage(visitor);
  await sharingIndicator(visitor).waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
  await viewerIframe(agent).waitFor({ state: 'attached', timeout: COBROWSE_TIMEOUT_MS });
  await waitForMirror(agent, readySelector);
}

/** A second console (same admin, own browser context) with the conversation showing `text` open. */
export async function openSecondConsole(env: E2E, text: string, before?: (page: Page) => void | Promise<void>): Promise<ConsoleSession> {
  const session = await signInAgent(env.browser, env, before);
  await openConversation(session.page, text);
  return session;
}

/**
 * The visitor sends `label` plus a nonce and waits until it is sent; returns the text. The inbox
 * row shows a conversation's last line, so this gives a console a unique row to open it by.
 */
export async function visitorSays(page: Page, label: string): Promise<string> {
  const text = unique(label);
  await sendFromWidget(page, text);
  await expect.poll(() => visitorMessage(page, text).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
  return text;
}
