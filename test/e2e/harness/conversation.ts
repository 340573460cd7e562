/**
 * A conversation already under way, for tests about what happens next: a visitor on a host
 * page has sent a first message and an agent has it open in the console.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openConversation, signInConsole, type ConsoleSession } from './console-app.js';
import type { E2E } from './e2e-env.js';
import { hostPage } from './host-page.js';
import { unique } from './unique.js';
import { openWidget, sendFromWidget, visitorMessage, WIDGET_TIMEOUT_MS } from './widget.js';

/** Both sides of a conversation. */
export interface LiveConversation {
  visitor: { context: BrowserContext; page: Page };
  agent: ConsoleSession;
  /** The visitor's first message. */
  firstText: string;
}

/** Loads a host page from the host server, opens the widget, sends a message and opens it in the console. */
export async function startConversation(env: E2E, path = '/shop'): Promise<LiveConversation> {
  const agent = await signInConsole(env.browser, env.relay);
  const visitor = await env.visitor();
  await visitor.page.goto(env.host.page(path, hostPage(env.relay.origin)));
  const firstText = await firstMessage(visitor.page, agent.page, 'Hello, is anyone there?');
  return { visitor, agent, firstText };
}

/**
 * The visitor, on a page with the widget, sends a first message (`text` made unique) and the
 * agent opens its conversation in the console; resolves with the text sent.
 */
export async function firstMessage(visitor: Page, agent: Page, text: string): Promise<string> {
  await openWidget(visitor);
  const firstText = unique(text);
  await sendFromWidget(visitor, firstText);
  await expect
    .poll(() => visitorMessage(visitor, firstText).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS })
    .toBe('sent');
  await openConversation(agent, firstText);
  return firstText;
}
