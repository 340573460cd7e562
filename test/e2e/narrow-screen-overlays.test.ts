import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { answer, callRegion, hangUpButton, startCallButton, startCallConversation, waitForConnectedCall } from './harness/call.js';
import { useCallE2E } from './harness/call-env.js';
import { sharingIndicator, startSharing } from './harness/cobrowse.js';
import { panel, WIDGET_TIMEOUT_MS } from './harness/widget.js';

// Real Chromium with a fake microphone (calls) against the built bundles.
const e2e = useCallE2E();

/** A phone: 390 x 844 CSS px, touch, mobile viewport rules. */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 } as const;

/** A rectangle in the layout viewport's CSS pixels (what `getBoundingClientRect` and `position: fixed` use). */
interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The visual viewport (what the visitor sees), in layout-viewport coordinates. */
async function visualViewport(page: Page): Promise<Rect> {
  return page.evaluate(() => {
    const v = window.visualViewport!;
    return { x: v.offsetLeft, y: v.offsetTop, width: v.width, height: v.height };
  });
}

/** `locator`'s border box in layout-viewport coordinates. */
async function rectOf(locator: Locator): Promise<Rect> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
}

/** True when `box` lies inside `area` (half a pixel of rounding allowed). */
function inside(box: Rect, area: Rect): boolean {
  const e = 0.5;
  return box.x >= area.x - e && box.y >= area.y - e && box.x + box.width <= area.x + area.width + e && box.y + box.height <= area.y + area.height + e;
}

/** Waits until `locator` lies inside the visual viewport. */
async function expectOnScreen(page: Page, locator: Locator): Promise<void> {
  await expect
    .poll(async () => {
      const [box, area] = [await rectOf(locator), await visualViewport(page)];
      return inside(box, area) || JSON.stringify({ box, area });
    }, { timeout: WIDGET_TIMEOUT_MS })
    .toBe(true);
}

describe('co-browse and call bars on a phone whose page is wider than the screen', () => {
  it('keeps the sharing bar, its frame and the floating call bar on the visual viewport', async () => {
    const env = e2e();
    const { page } = await env.visitor(PHONE);
    const conversation = await startCallConversation(env, page, '/phone-overlays');
    // One banner wider than the phone stretches the layout viewport past the screen.
    await page.evaluate(() => {
      const banner = document.createElement('div');
      banner.id = 'banner';
      banner.textContent = 'Spring sale';
      banner.style.cssText = 'width:420px;height:60px;background:#ccc';
      document.body.prepend(banner);
    });
    const layoutWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const area = await visualViewport(page);
    expect(layoutWidth).toBeGreaterThan(area.width);

    // Co-browse: the "Screen sharing" bar and its Stop sharing button are on screen, the frame is the screen.
    await startSharing(page, conversation.agent.page, '#banner');
    const bar = sharingIndicator(page);
    await expectOnScreen(page, bar);
    await expectOnScreen(page, bar.getByRole('button', { name: 'Stop sharing' }));
    const frame = page.locator('.cb-frame');
    await expect
      .poll(async () => {
        const [box, view] = [await rectOf(frame), await visualViewport(page)];
        return [box.x, box.y, box.width, box.height].map(Math.round).join() === [view.x, view.y, view.width, view.height].map(Math.round).join() || JSON.stringify({ box, view });
      }, { timeout: WIDGET_TIMEOUT_MS })
      .toBe(true);

    // Call: with the panel closed the call bar floats, and it and its Hang up button are on screen.
    // The panel is open full screen (no launcher on a phone), so its Start a call is pressed directly.
    await startCallButton(page).click({ timeout: WIDGET_TIMEOUT_MS });
    await answer(conversation.agent.page, 'Accept');
    await waitForConnectedCall(page);
    await panel(page).getByRole('button', { name: 'Close chat' }).click();
    await panel(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
    await callRegion(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await expectOnScreen(page, callRegion(page));
    await expectOnScreen(page, hangUpButton(page));
    // And it floats in the visual viewport's lower right corner, above where the launcher sits.
    await expect
      .poll(async () => {
        const [box, view] = [await rectOf(page.locator('.call-float')), await visualViewport(page)];
        const right = view.x + view.width - (box.x + box.width);
        const bottom = view.y + view.height - (box.y + box.height);
        return (right >= 0 && right <= 24 && bottom >= 0 && bottom <= 100) || JSON.stringify({ box, view });
      }, { timeout: WIDGET_TIMEOUT_MS })
      .toBe(true);
    await hangUpButton(page).click();
    await callRegion(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
  });
});
