/**
 * The visitor's side: the widget on a host page, found by the accessible names in the contracts
 * (Playwright locators pierce the widget's open shadow root).
 */
import type { Locator, Page } from 'playwright-core';

/** How long a widget interaction may take to show its effect (reconnects included). */
export const WIDGET_TIMEOUT_MS = 15_000;

/** The widget's host element in the page's light DOM. */
export function widgetHost(page: Page): Locator {
  return page.locator('#parley-widget, parley-widget');
}

/** The launcher button, open or closed (it carries `aria-expanded`). */
export function launcher(page: Page): Locator {
  return page.getByRole('button', { name: /^(Open|Close) chat/ }).and(page.locator('[aria-expanded]'));
}

/** The chat panel. */
export function panel(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Chat' });
}

/** The panel's message log. */
export function widgetLog(page: Page): Locator {
  return panel(page).getByRole('log', { name: 'Messages' });
}

/** The visitor's message box. */
export function messageBox(page: Page): Locator {
  return panel(page).getByRole('textbox', { name: 'Message' });
}

/** Waits until the launcher is on screen (the widget booted). */
export async function waitForLauncher(page: Page): Promise<Locator> {
  const button = launcher(page);
  await button.waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
  return button;
}

/** Opens the chat panel unless it is already open, and waits for it. */
export async function openWidget(page: Page): Promise<Locator> {
  await waitForLauncher(page);
  if (!(await panel(page).isVisible())) {
    await page.getByRole('button', { name: /^Open chat/ }).and(page.locator('[aria-expanded]')).click();
  }
  await panel(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
  return panel(page);
}

/** Closes the chat panel with the launcher and waits until it is gone. */
export async function closeWidget(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Close chat/ }).and(page.locator('[aria-expanded="true"]')).click();
  await panel(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
}

/** Types `text` into the message box and presses the Send button. */
export async function sendFromWidget(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await panel(page).getByRole('button', { name: 'Send', exact: true }).click();
}

/** The visitor's own message element (it carries `data-status`). */
export function visitorMessage(page: Page, text: string): Locator {
  return widgetLog(page).locator('[data-status]').filter({ hasText: text });
}

/** Any message shown in the widget's log with exactly this text. */
export function widgetMessage(page: Page, text: string): Locator {
  return widgetLog(page).getByText(text, { exact: true });
}

/** The launcher's unread badge for `count` messages ("N unread"). */
export function unreadBadge(page: Page, count: number): Locator {
  const name = new RegExp(`(^|\\D)${count} unread`);
  return page.getByLabel(name).or(page.getByText(name)).first();
}

/** The agent typing line inside the panel. */
export function agentTyping(page: Page): Locator {
  return panel(page).getByText(/Agent is typing/);
}
