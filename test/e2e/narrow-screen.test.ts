import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { unique } from './harness/unique.js';
import { launcher, messageBox, openWidget, panel, sendFromWidget, visitorMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

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

/** True when `box` lies inside `area` (half a pixel of rounding allowed). */
function inside(box: Rect, area: Rect): boolean {
  const e = 0.5;
  return box.x >= area.x - e && box.y >= area.y - e && box.x + box.width <= area.x + area.width + e && box.y + box.height <= area.y + area.height + e;
}

/** Waits until `locator` lies inside the visual viewport (animations settle, viewport events arrive). */
async function expectOnScreen(page: Page, locator: Locator): Promise<void> {
  await expect
    .poll(async () => {
      const box = await locator.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      const area = await visualViewport(page);
      return inside(box, area) || JSON.stringify({ box, area });
    }, { timeout: WIDGET_TIMEOUT_MS })
    .toBe(true);
}

describe('widget on a phone whose page is wider than the screen', () => {
  for (const viewportMeta of ['width=device-width, initial-scale=1', 'width=device-width']) {
    it(`keeps launcher, panel, Close, Send and the messages on screen (viewport "${viewportMeta}")`, async () => {
      const env = e2e();
      const { page } = await env.visitor(PHONE);
      // One banner wider than the phone stretches the layout viewport past the screen.
      const body = '<main><h1>Acme Store</h1><div style="width:420px;height:60px;background:#ccc">Spring sale</div></main>';
      const html = hostPage(env.relay.origin, { body }).replace('width=device-width, initial-scale=1', viewportMeta);
      await page.goto(env.host.page(`/wide-${viewportMeta.length}`, html));
      expect(await page.evaluate(() => window.innerWidth)).toBeGreaterThan(390);

      await expectOnScreen(page, launcher(page));
      await openWidget(page);
      await expectOnScreen(page, panel(page));
      const area = await visualViewport(page);
      const box = (await panel(page).boundingBox())!;
      // The whole visual viewport: 390 x 844, or the zoomed-out page's whole width when the page lets the browser zoom out.
      expect([box.width, box.height].map(Math.round)).toEqual([Math.round(area.width), Math.round(area.height)]);

      const send = panel(page).getByRole('button', { name: 'Send' });
      const close = panel(page).getByRole('button', { name: 'Close chat' });
      await expectOnScreen(page, send);
      await expectOnScreen(page, close);
      const text = unique('Sent from a wide page');
      await messageBox(page).fill(text);
      await send.click();
      await expect.poll(() => visitorMessage(page, text).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
      await expectOnScreen(page, visitorMessage(page, text));

      await close.click();
      await panel(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
      await expectOnScreen(page, launcher(page));
    });
  }

  it('follows the visual viewport when it shrinks and moves (the keyboard opening, a pinch zoom)', async () => {
    const env = e2e();
    const { context, page } = await env.visitor(PHONE);
    const body = '<main><h1>Acme Store</h1><div style="width:420px;height:1600px;background:#ccc">Spring sale</div><p id="far">Footer</p></main>';
    await page.goto(env.host.page('/zoom', hostPage(env.relay.origin, { body })));
    await openWidget(page);
    await expectOnScreen(page, panel(page));

    // The on-screen keyboard: the viewport the visitor sees gets shorter.
    await page.setViewportSize({ width: 390, height: 480 });
    await expectOnScreen(page, panel(page));
    await expectOnScreen(page, panel(page).getByRole('button', { name: 'Send' }));
    await page.setViewportSize({ width: 390, height: 844 });

    // A pinch zoom changes the visual viewport alone: scale 2, then panned right and down.
    await panel(page).getByRole('button', { name: 'Close chat' }).click();
    await panel(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
    await expect.poll(() => page.evaluate(() => window.visualViewport!.scale), { timeout: WIDGET_TIMEOUT_MS }).toBe(2);
    await page.evaluate(() => document.getElementById('far')!.scrollIntoView({ block: 'end', inline: 'end' }));
    await expect.poll(async () => { const v = await visualViewport(page); return v.x > 0 && v.y > 0; }, { timeout: WIDGET_TIMEOUT_MS }).toBe(true);
    await expectOnScreen(page, launcher(page));
    // Playwright's pointer does not follow an emulated page scale; the launcher is pressed as the
    // element at its own centre, which proves nothing of the page covers it.
    const pressed = await launcher(page).evaluate((button) => {
      const r = button.getBoundingClientRect();
      const host = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      const hit = host?.shadowRoot?.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      (hit as HTMLElement | null | undefined)?.closest('button')?.click();
      return hit?.closest('button') === button;
    });
    expect(pressed).toBe(true);
    await panel(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await expectOnScreen(page, panel(page));
    await expectOnScreen(page, panel(page).getByRole('button', { name: 'Close chat' }));
    await expectOnScreen(page, panel(page).getByRole('button', { name: 'Send' }));
  });
});
