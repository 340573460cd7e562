import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { unique } from './harness/unique.js';
import { launcher, messageBox, panel, visitorMessage, waitForLauncher, widgetLog, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

/** True when `locator`'s element has focus (inside its shadow root too). */
function focused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.matches(':focus'));
}

describe('widget with the keyboard only', () => {
  it('is reached with Tab, opens with Enter, sends with Enter and closes with Escape', async () => {
    const env = e2e();
    const { page } = await env.visitor();
    const body = '<main><h1>Acme</h1><a href="#top">Top</a> <a href="#help">Help</a></main>';
    await page.goto(env.host.page('/keys', hostPage(env.relay.origin, { body })));
    const button = await waitForLauncher(page);

    // Tab through the page's own links until focus reaches the launcher.
    for (let presses = 0; presses < 10 && !(await focused(button)); presses += 1) await page.keyboard.press('Tab');
    expect(await focused(button)).toBe(true);

    await page.keyboard.press('Enter');
    await panel(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await expect.poll(() => focused(messageBox(page)), { timeout: WIDGET_TIMEOUT_MS }).toBe(true);
    // New messages are announced: the log is a live region (role=log is polite by default).
    expect(await widgetLog(page).getAttribute('aria-live')).not.toBe('off');

    const text = unique('Sent with the Enter key');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await expect.poll(() => visitorMessage(page, text).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
    expect(await messageBox(page).inputValue()).toBe('');

    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => focused(launcher(page)), { timeout: WIDGET_TIMEOUT_MS }).toBe(true);
  });
});
