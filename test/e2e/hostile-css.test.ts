import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { unique } from './harness/unique.js';
import {
  launcher,
  messageBox,
  openWidget,
  panel,
  sendFromWidget,
  visitorMessage,
  waitForLauncher,
  WIDGET_TIMEOUT_MS,
} from './harness/widget.js';

const e2e = useE2E();

/** Global rules a careless (or hostile) site might ship; none of them names the widget. */
const HOSTILE_CSS = `
* {
  all: unset !important;
  font-size: 40px !important;
  display: block !important;
  line-height: 3 !important;
  font-family: "Comic Sans MS", cursive !important;
  color: red !important;
  letter-spacing: 6px !important;
  box-sizing: content-box !important;
}
html, body { background: yellow !important; }
button, input, textarea, svg, [role], [aria-label], [aria-expanded] { display: none !important; }
div { position: relative !important; z-index: 0 !important; transform: rotate(180deg) scale(0.1) !important; opacity: 0.1 !important; width: 3px !important; height: 3px !important; overflow: hidden !important; }
body > * { margin: 60px !important; padding: 40px !important; border: 10px solid blue !important; }
:focus { outline: 12px solid lime !important; }
`;

/** The page's own content: varied elements whose computed styles must not change. */
const PAGE_BODY = `
<header><nav><a href="#a">Home</a> <a href="#b">Shop</a></nav></header>
<main>
  <h1>Acme Store</h1>
  <p class="lead">Everything you need, <em>delivered</em> tomorrow.</p>
  <div class="card"><h2>Sale</h2><p>Up to <strong>50%</strong> off.</p><button type="button">Add to cart</button></div>
  <form><label>Coupon <input name="coupon"></label><textarea name="note"></textarea></form>
  <ul><li>One</li><li>Two</li></ul>
</main>
<footer><small>© Acme</small></footer>
`;

/** A normal site stylesheet, for the computed-style comparison without hostile rules. */
const SITE_CSS = `
body { font: 16px/1.5 Georgia, serif; color: #222; margin: 0; }
h1 { font-size: 2rem; } .lead { color: #555; } .card { border: 1px solid #ccc; padding: 12px; }
button { background: #0a5; color: white; border-radius: 4px; } div { box-sizing: border-box; }
`;

/** Every computed property of every page element outside the widget, in document order. */
function pageStyles(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const own = Array.from(document.querySelectorAll('html, head, body, body *')).filter(
      (element) =>
        element.tagName !== 'SCRIPT' && !element.closest('#parley-widget, parley-widget'),
    );
    return own.map((element) => {
      const style = getComputedStyle(element);
      const props = Array.from(style)
        .map((name) => `${name}:${style.getPropertyValue(name)}`)
        .join(';');
      return `${element.tagName.toLowerCase()} ${props}`;
    });
  });
}

/** The same page with and without the widget; returns the element styles that differ. */
async function styleDifferences(css: string): Promise<{ changed: string[]; widgetPage: Page }> {
  const env = e2e();
  const head = `<style>${css}</style>`;
  const path = `/styles-${Math.random().toString(36).slice(2)}`;
  const control = await env.visitor();
  // An empty inert script keeps the DOM of both pages the same shape.
  await control.page.goto(env.host.page(`${path}-control`, hostPage(env.relay.origin, { head, body: PAGE_BODY, embed: '<script type="text/plain"></script>' })));
  const expected = await pageStyles(control.page);
  await control.context.close();

  const { page } = await env.visitor();
  await page.goto(env.host.page(path, hostPage(env.relay.origin, { head, body: PAGE_BODY })));
  await waitForLauncher(page);
  const closed = await pageStyles(page);
  await openWidget(page);
  const opened = await pageStyles(page);
  const changed = [closed, opened].flatMap((actual, pass) =>
    expected.flatMap((style, index) => (actual[index] === style ? [] : [`${pass ? 'open' : 'closed'} #${index}: ${style.slice(0, 80)}`])),
  );
  expect(closed.length).toBe(expected.length);
  return { changed, widgetPage: page };
}

describe('widget on a page with hostile global CSS', () => {
  it('shows a launcher of sane size that opens a usable panel', async () => {
    const env = e2e();
    const { page } = await env.visitor();
    await page.goto(env.host.page('/hostile', hostPage(env.relay.origin, { head: `<style>${HOSTILE_CSS}</style>`, body: PAGE_BODY })));
    const button = await waitForLauncher(page);
    const viewport = page.viewportSize()!;
    const box = (await button.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(32);
    expect(box.width).toBeLessThanOrEqual(120);
    expect(box.height).toBeGreaterThanOrEqual(32);
    expect(box.height).toBeLessThanOrEqual(120);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);

    // A real click (Playwright checks the point is not covered), not a synthetic one.
    await openWidget(page);
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');
    const panelBox = (await panel(page).boundingBox())!;
    expect(panelBox.width).toBeGreaterThanOrEqual(240);
    expect(panelBox.height).toBeGreaterThanOrEqual(240);
    expect(panelBox.x + panelBox.width).toBeLessThanOrEqual(viewport.width + 1);
    expect(panelBox.y + panelBox.height).toBeLessThanOrEqual(viewport.height + 1);
    const fontSize = await messageBox(page).evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(12);
    expect(fontSize).toBeLessThanOrEqual(24);
    // The page's `rotate(180deg) scale(0.1)` on divs must not reach the panel: every transform
    // on its way up to the page may translate (an opening animation) but never rotate or scale.
    const linear = await panel(page).evaluate((element) => {
      const parts: number[][] = [];
      for (let node: Element | null = element; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null)) {
        const matrix = new DOMMatrixReadOnly(getComputedStyle(node).transform === 'none' ? undefined : getComputedStyle(node).transform);
        parts.push([matrix.a, matrix.b, matrix.c, matrix.d].map((value) => Math.round(value * 100) / 100));
      }
      return parts;
    });
    for (const part of linear) expect(part).toEqual([1, 0, 0, 1]);

    const text = unique('Styled beyond recognition, still works');
    await sendFromWidget(page, text);
    await expect.poll(() => visitorMessage(page, text).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
  });

  it('leaves the computed styles of the page\'s own elements unchanged on a normal site', async () => {
    const { changed } = await styleDifferences(SITE_CSS);
    expect(changed).toEqual([]);
  });

  it('leaves the computed styles of the page\'s own elements unchanged on the hostile site', async () => {
    const { changed } = await styleDifferences(HOSTILE_CSS);
    expect(changed).toEqual([]);
  });
});
