/**
 * The host page the co-browse tests share: a small shop with a header, a product list, a
 * checkout form (with a private card field and a masked note), a button whose click handler
 * counts, and an in-page router that swaps the main content with `history.pushState`. Every
 * element a test compares carries an id, so the visitor's page and the agent's mirror can be
 * read with the same selectors.
 */
import { snippet } from './host-page.js';

/** Options of {@link cobrowseShopPage}. */
export interface CobrowseShopOptions {
  title?: string;
  /** Products in the list (each: article, heading, price, description, button). */
  products?: number;
  /** Replaces the README snippet, e.g. with {@link bootSnippet} to pass boot options. */
  embed?: string;
  /** Markup placed first in `<main>` (page 2 uses it to tell itself apart). */
  intro?: string;
}

/** The page's own stylesheet: fixed sizes, so layout does not depend on anything but the viewport. */
const SHOP_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.4 sans-serif; color: #1d2733; background: #fff; }
.shop-header { display: flex; align-items: center; gap: 24px; height: 64px; padding: 0 24px; background: #0b3d91; color: #fff; }
.shop-header a { color: #fff; }
.shop-main { padding: 16px 24px; }
.products { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; list-style: none; padding: 0; margin: 0; }
.product { border: 1px solid #ccd; border-radius: 6px; padding: 8px; min-height: 120px; }
.product h3 { margin: 0 0 4px; font-size: 16px; }
.product .price { font-weight: bold; }
.product.is-featured { background: #fff6d6; border-width: 3px; }
.checkout { display: grid; grid-template-columns: 160px 320px; gap: 8px 12px; margin-top: 16px; align-items: center; }
.checkout input, .checkout textarea, .checkout select { font: inherit; padding: 4px; width: 100%; }
.note { border: 1px dashed #889; min-height: 48px; padding: 4px; }
.card-box { grid-column: 1 / span 2; padding: 8px; background: #eef; }
.status { margin-top: 12px; }
.wide { width: 640px; }
`;

/** The page's script: a click counter (`[data-count-clicks]` buttons) and the in-page router. */
const SHOP_SCRIPT = `
window.__clicks = 0;
document.addEventListener('click', function (event) {
  var target = event.target instanceof Element ? event.target.closest('[data-count-clicks]') : null;
  if (!target) return;
  window.__clicks += 1;
  document.getElementById('order-status').textContent = 'Orders placed: ' + window.__clicks;
});
window.shopRoute = function (name, html) {
  history.pushState({ route: name }, '', '/' + name);
  var main = document.querySelector('main');
  main.innerHTML = html;
  document.title = name;
};
`;

function product(index: number): string {
  const n = index + 1;
  return [
    `<li class="product" id="product-${n}">`,
    `<h3 id="product-${n}-name">Product ${n}</h3>`,
    `<p class="price" id="product-${n}-price">${(9.5 + n).toFixed(2)} EUR</p>`,
    `<p class="desc">A sturdy item number ${n}, ships in ${1 + (n % 4)} days.</p>`,
    `<button type="button" class="add" id="add-${n}">Add to cart</button>`,
    '</li>',
  ].join('');
}

/** The checkout form: every kind of field the masking rules cover. */
export const CHECKOUT_FORM = `
<form class="checkout" id="checkout" autocomplete="off" onsubmit="return false">
  <label for="full-name">Name</label><input id="full-name" name="name" type="text">
  <label for="email">Email</label><input id="email" name="email" type="email">
  <label for="password">Password</label><input id="password" name="password" type="password">
  <label for="message">Message</label><textarea id="message" name="message" rows="2"></textarea>
  <label for="plan">Plan</label><select id="plan" name="plan"><option value="basic">Basic</option><option value="pro">Pro</option><option value="team">Team</option></select>
  <label for="promo">Promo code</label><input id="promo" name="promo" type="text">
  <span>Note</span><div class="note" id="note" contenteditable="true"></div>
  <div class="card-box" data-parley-private id="card-box"><label for="card">Card number</label><input id="card" name="card" inputmode="numeric"><span id="card-holder">Card on file</span></div>
  <input type="hidden" id="session-ref" name="session" value="">
</form>`;

/** A full host page with the widget embedded (the README snippet unless `embed` replaces it). */
export function cobrowseShopPage(relayOrigin: string, options: CobrowseShopOptions = {}): string {
  const products = Array.from({ length: options.products ?? 12 }, (_, i) => product(i)).join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${options.title ?? 'Acme Store'}</title>`,
    `<style>${SHOP_CSS}</style>`,
    `<script>${SHOP_SCRIPT}</script>`,
    '</head>',
    '<body>',
    '<header class="shop-header" id="shop-header"><strong id="brand">Acme Store</strong>',
    '<nav aria-label="Shop"><a href="/delivery" id="delivery-link">Delivery information</a></nav>',
    '<span id="cart-count">Cart: 0 items</span></header>',
    '<main class="shop-main" id="shop-main">',
    options.intro ?? '',
    '<h1 id="headline">Everything you need, delivered tomorrow</h1>',
    `<ul class="products" id="products">${products}</ul>`,
    CHECKOUT_FORM,
    '<p class="note" data-parley-mask id="private-note">Gift message: none</p>',
    '<p class="status"><button type="button" id="order-button" data-count-clicks>Place order</button> <span id="order-status">Orders placed: 0</span></p>',
    '</main>',
    options.embed ?? snippet(relayOrigin),
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * The snippet with boot options: the queue stub records `Parley('boot', options)` before the
 * loader arrives, so the loader boots with them instead of the tag's attributes.
 */
export function bootSnippet(relayOrigin: string, options: Record<string, unknown>): string {
  const stub = 'window.Parley=window.Parley||function(){(window.Parley.q=window.Parley.q||[]).push(arguments)};';
  return `<script>${stub}Parley('boot', ${JSON.stringify(options)});</script>\n<script async src="${relayOrigin}/parley.js"></script>`;
}
