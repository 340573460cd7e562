import { describe, expect, it } from 'vitest';
import { startCobrowseConversation, startSharing, COBROWSE_TIMEOUT_MS } from './harness/cobrowse.js';
import { BOX_TOLERANCE_PX, mirrorMismatches, mirrorViewport } from './harness/cobrowse-mirror.js';
import { cobrowseShopPage } from './harness/cobrowse-page.js';
import { useE2E } from './harness/e2e-env.js';

const e2e = useE2E();

/**
 * Elements compared after each step; removed ones must be gone from the mirror too. The private
 * card box is compared by its box alone (rrweb's placeholder keeps its size and class, not its id
 * or anything inside).
 */
const SHOP = [
  '#shop-header',
  '#brand',
  '#cart-count',
  '#headline',
  '#products',
  '#product-1',
  '#product-2',
  '#product-3',
  '#product-3-price',
  '#product-5',
  '#product-new',
  '#product-12',
  '#full-name',
  '#plan',
  '.card-box',
  '#order-button',
  '#order-status',
];

describe('co-browse fidelity', () => {
  it(`mirrors text and element boxes (within ${BOX_TOLERANCE_PX} px) through DOM changes and an in-page route change`, async () => {
    const env = e2e();
    const url = env.host.page('/fidelity', cobrowseShopPage(env.relay.origin));
    const { visitor, agent } = await startCobrowseConversation(env, url);
    const page = visitor.page;
    await startSharing(page, agent.page);

    // The mirror lays the page out at the visitor's viewport size.
    const viewport = await page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
    await expect.poll(() => mirrorViewport(agent.page), { timeout: COBROWSE_TIMEOUT_MS }).toEqual(viewport);
    await expect.poll(() => mirrorMismatches(page, agent.page, SHOP), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);

    // Text changes.
    await page.evaluate(() => {
      document.getElementById('headline')!.textContent = 'Spring sale: 20% off everything';
      document.getElementById('cart-count')!.textContent = 'Cart: 3 items';
      document.getElementById('product-3-price')!.firstChild!.nodeValue = '7.25 EUR (was 12.50 EUR)';
    });
    await expect.poll(() => mirrorMismatches(page, agent.page, SHOP), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);

    // Elements added and removed (the grid reflows).
    await page.evaluate(() => {
      const added = document.createElement('li');
      added.className = 'product';
      added.id = 'product-new';
      added.innerHTML = '<h3>New arrival</h3><p class="price">99.00 EUR</p><p class="desc">Just in: a lamp that also charges your phone.</p>';
      document.getElementById('product-2')!.after(added);
      document.getElementById('product-5')!.remove();
    });
    await expect.poll(() => mirrorMismatches(page, agent.page, SHOP), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);

    // Style and class changes.
    await page.evaluate(() => {
      document.getElementById('product-3')!.classList.add('is-featured');
      document.getElementById('product-1')!.style.minHeight = '220px';
      document.getElementById('headline')!.style.fontSize = '44px';
      document.getElementById('shop-header')!.style.height = '96px';
    });
    await expect.poll(() => mirrorMismatches(page, agent.page, SHOP), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);

    // An in-page route change replaces the main content.
    const ACCOUNT = ['#shop-header', '#account-title', '#orders', '#order-1', '#order-2', '#order-3', '#products', '#checkout', '#headline'];
    await page.evaluate(() => {
      const rows = [1, 2, 3]
        .map((n) => `<tr id="order-${n}"><td>Order ${1000 + n}</td><td>${n * 2} items</td><td>${(n * 23.5).toFixed(2)} EUR</td></tr>`)
        .join('');
      (window as unknown as { shopRoute(name: string, html: string): void }).shopRoute(
        'account',
        `<h1 id="account-title">Your orders</h1><table id="orders" class="wide"><tbody>${rows}</tbody></table>`,
      );
    });
    expect(new URL(page.url()).pathname).toBe('/account');
    await expect.poll(() => mirrorMismatches(page, agent.page, ACCOUNT), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);
  });
});
