import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { unique } from './harness/unique.js';
import { openWidget, panel, sendFromWidget, visitorMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('widget on a narrow screen', () => {
  it('opens the panel full screen and closes it with its own Close chat button', async () => {
    const env = e2e();
    const { page } = await env.visitor({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    await page.goto(env.host.page('/mobile', hostPage(env.relay.origin)));
    await openWidget(page);
    // Wait for the opening animation to settle before measuring.
    await expect
      .poll(async () => {
        const box = await panel(page).boundingBox();
        return box && [Math.round(box.x), Math.round(box.y), Math.round(box.width), Math.round(box.height)];
      }, { timeout: WIDGET_TIMEOUT_MS })
      .toEqual([0, 0, 375, 667]);

    const text = unique('Typed on a phone');
    await sendFromWidget(page, text);
    await expect.poll(() => visitorMessage(page, text).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');

    await panel(page).getByRole('button', { name: 'Close chat' }).click();
    await panel(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
    await page.getByRole('button', { name: /^Open chat/ }).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
  });
});
