import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { COBROWSE_TIMEOUT_MS, selectTool, startCobrowseConversation, startSharing } from './harness/cobrowse.js';
import { BOX_TOLERANCE_PX, mirrorPointOnPage } from './harness/cobrowse-mirror.js';
import { cobrowseShopPage } from './harness/cobrowse-page.js';
import { useE2E } from './harness/e2e-env.js';

const e2e = useE2E();

/**
 * How far the drawn pointer may be from the point the agent aimed at, in the visitor's CSS
 * pixels: the mirror is scaled to fit the console, so one console pixel is more than one here.
 */
const POINTER_TOLERANCE_PX = 4;

/** A locator's box on the visitor's page (throws when it has none). */
async function boxOf(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await locator.boundingBox({ timeout: COBROWSE_TIMEOUT_MS });
  if (!box) throw new Error('The element has no box.');
  return box;
}

/** True once the element is gone or fully faded. */
function faded(page: Page, kind: 'pointer' | 'highlight'): Promise<boolean> {
  return page.evaluate((kind) => {
    const find = (root: Document | ShadowRoot): Element | null => {
      const hit = root.querySelector(`[data-parley-pointer="${kind}"]`);
      if (hit) return hit;
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.shadowRoot) {
          const inner = find(el.shadowRoot);
          if (inner) return inner;
        }
      }
      return null;
    };
    const element = find(document);
    if (!element) return true;
    const style = getComputedStyle(element);
    return style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) < 0.05;
  }, kind);
}

describe('co-browse pointer and highlight', () => {
  it("draws the agent's pointer at the aimed point and a highlight on the element's box, then fades them", async () => {
    const env = e2e();
    const url = env.host.page('/pointer', cobrowseShopPage(env.relay.origin));
    const { visitor, agent } = await startCobrowseConversation(env, url);
    const page = visitor.page;
    await startSharing(page, agent.page);

    // Pointer: aim at the middle of a button in the mirror.
    await selectTool(agent.page, 'Pointer');
    const aim = await mirrorPointOnPage(agent.page, '#add-2', 0.5, 0.5);
    await agent.page.mouse.move(aim.x - 30, aim.y - 20);
    await agent.page.mouse.move(aim.x, aim.y, { steps: 4 });
    const pointer = page.locator('[data-parley-pointer="pointer"]');
    await pointer.waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
    expect(await pointer.evaluate((el) => el.getRootNode() instanceof ShadowRoot)).toBe(true);
    const target = await boxOf(page.locator('#add-2'));
    const centre = { x: target.x + target.width / 2, y: target.y + target.height / 2 };
    await expect
      .poll(async () => {
        const drawn = await boxOf(pointer);
        return Math.max(Math.abs(drawn.x - centre.x), Math.abs(drawn.y - centre.y));
      }, { timeout: COBROWSE_TIMEOUT_MS })
      .toBeLessThanOrEqual(POINTER_TOLERANCE_PX);
    await expect.poll(() => faded(page, 'pointer'), { timeout: 8_000 }).toBe(true);

    // Highlight: the drawn box is the element's border box.
    await selectTool(agent.page, 'Highlight');
    const spot = await mirrorPointOnPage(agent.page, '#add-3', 0.5, 0.5);
    await agent.page.mouse.move(spot.x, spot.y, { steps: 4 });
    await agent.page.mouse.click(spot.x, spot.y);
    const highlight = page.locator('[data-parley-pointer="highlight"]');
    await highlight.waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
    const element = await boxOf(page.locator('#add-3'));
    await expect
      .poll(async () => {
        const drawn = await boxOf(highlight);
        return Math.max(
          Math.abs(drawn.x - element.x),
          Math.abs(drawn.y - element.y),
          Math.abs(drawn.width - element.width),
          Math.abs(drawn.height - element.height),
        );
      }, { timeout: COBROWSE_TIMEOUT_MS })
      .toBeLessThanOrEqual(BOX_TOLERANCE_PX);
    await expect.poll(() => faded(page, 'highlight'), { timeout: 8_000 }).toBe(true);
    // Pointing never clicks on the visitor's page.
    expect(await page.evaluate(() => (window as unknown as { __clicks: number }).__clicks)).toBe(0);
  });
});
