/**
 * Callback requests on both sides, found by the accessible names in the contracts: the widget's
 * `Request a callback` form and status words; the console's `Callbacks` view and its tasks.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { consoleLog, CONSOLE_TIMEOUT_MS, conversationRow, inboxTab, openConversation } from './console-app.js';
import { visitorSays } from './cobrowse.js';
import { callbackForm, consoleLine, type Line } from './call.js';
import { WIDGET_TIMEOUT_MS } from './widget.js';

/** The visitor's words for a request's status. */
export const CALLBACK_STATUS_TEXT = {
  requested: 'Callback requested',
  claimed: 'An agent will call you back',
  done: 'Callback done',
  unreachable: 'We could not reach you',
} as const;

/** The form's phone field. */
export function phoneField(page: Page): Locator {
  return callbackForm(page).getByLabel('Phone number', { exact: true });
}

/** What the visitor fills in. */
export interface CallbackEntry {
  phone: string;
  /** An option of the `When` select, by its label. */
  when?: string;
  note?: string;
}

/** Fills the open callback form and presses `Request callback`. */
export async function submitCallback(page: Page, entry: CallbackEntry): Promise<void> {
  const form = callbackForm(page);
  await form.waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
  await phoneField(page).fill(entry.phone);
  if (entry.when) await form.getByLabel('When', { exact: true }).selectOption({ label: entry.when });
  if (entry.note !== undefined) await form.getByLabel('Note (optional)', { exact: true }).fill(entry.note);
  await form.getByRole('button', { name: 'Request callback', exact: true }).click();
}

/** The widget's status words for a request (outside the timeline). */
export function callbackStatus(page: Page, status: keyof typeof CALLBACK_STATUS_TEXT): Locator {
  return page.getByText(CALLBACK_STATUS_TEXT[status], { exact: true }).first();
}

/** The console's `Callbacks` view tab or navigation item (its name starts with `Callbacks` and holds a count). */
export function callbacksNav(page: Page): Locator {
  const name = /^Callbacks\b/;
  return page.getByRole('tab', { name }).or(page.getByRole('button', { name })).or(page.getByRole('link', { name })).first();
}

/** The callback tasks in the console showing `phone` (the Callbacks view's, and the visitor panel's). */
export function callbackTasks(page: Page, phone: string): Locator {
  return page.getByRole('list').getByRole('listitem').filter({ hasText: phone });
}

/** A callback task in the console showing `phone`, with the button `action` on it. */
export function callbackTask(page: Page, phone: string, action: 'Claim' | 'Done' | 'Unreachable'): Locator {
  return callbackTasks(page, phone)
    .filter({ has: page.getByRole('button', { name: action, exact: true }) })
    .first();
}

/**
 * Opens the console's `Callbacks` view and waits until it lists the task showing `phone` (one
 * more such task than the page showed before: the conversation's visitor panel may list it too).
 */
export async function openCallbacksView(page: Page, phone: string): Promise<void> {
  const before = await callbackTasks(page, phone).count();
  await callbacksNav(page).click({ timeout: CONSOLE_TIMEOUT_MS });
  await expect.poll(() => callbackTasks(page, phone).count(), { timeout: CONSOLE_TIMEOUT_MS }).toBe(before + 1);
}

/** Presses `action` on the task showing `phone`. */
export async function actOnCallback(page: Page, phone: string, action: 'Claim' | 'Done' | 'Unreachable'): Promise<void> {
  await callbackTask(page, phone, action).getByRole('button', { name: action, exact: true }).click({ timeout: CONSOLE_TIMEOUT_MS });
}

/**
 * Waits until the console shows the timeline line `line` in the visitor's conversation. When the
 * `Callbacks` view took the conversation's place, the visitor says something new (the inbox row
 * shows a conversation's last line) and the agent opens the conversation again.
 */
export async function agentSeesLine(agent: Page, visitor: Page, line: Line): Promise<void> {
  if (!(await consoleLog(agent).isVisible())) {
    const text = await visitorSays(visitor, 'Are you still there?');
    if (!(await conversationRow(agent, text).isVisible())) await inboxTab(agent, 'All open').click({ timeout: CONSOLE_TIMEOUT_MS });
    await openConversation(agent, text);
  }
  await consoleLine(agent, line).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
}
