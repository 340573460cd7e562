// The host page of the co-browse bench: a typical interactive shop page (header with navigation
// and search, a product list, a checkout form, a live feed the bench writes into), a few hundred
// elements in all, embedding the widget with the README snippet.

/** One product card: article, image placeholder, name, rating, price, description, two buttons. */
function product(n) {
  return (
    `<li class="product" id="product-${n}"><div class="thumb" aria-hidden="true"></div>` +
    `<h3>Product ${n}</h3><p class="rating">${'★'.repeat(1 + (n % 5))}</p>` +
    `<p class="price" id="price-${n}">${(9.5 + n).toFixed(2)} EUR</p>` +
    `<p class="desc">A sturdy item, ships in ${1 + (n % 4)} days. Free returns within 30 days.</p>` +
    `<button type="button">Add to cart</button> <button type="button" class="link">Details</button></li>`
  );
}

const CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 sans-serif; color: #1d2733; }
header { display: flex; gap: 16px; align-items: center; padding: 12px 24px; background: #0b3d91; color: #fff; position: sticky; top: 0; }
header nav a { color: #fff; margin-right: 12px; }
header input { flex: 1; max-width: 320px; padding: 6px; }
main { display: grid; grid-template-columns: 1fr 300px; gap: 24px; padding: 16px 24px; }
.products { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; list-style: none; margin: 0; padding: 0; }
.product { border: 1px solid #ccd; border-radius: 6px; padding: 8px; }
.product .thumb { height: 80px; background: linear-gradient(135deg, #dde, #f6f6ff); border-radius: 4px; }
.product h3 { margin: 6px 0 2px; font-size: 15px; }
.price { font-weight: bold; }
aside form { display: grid; gap: 6px; }
aside input, aside textarea, aside select { font: inherit; padding: 4px; }
.feed { list-style: none; padding: 0; margin: 12px 0 0; max-height: 360px; overflow: hidden; }
.feed li { padding: 4px 6px; border-bottom: 1px solid #eee; font-size: 13px; }
footer { padding: 24px; background: #f3f4f8; }
`;

/** The page for `relayOrigin`; `products` product cards. */
export function benchPage(relayOrigin, products = 48) {
  const cards = Array.from({ length: products }, (_, i) => product(i + 1)).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Store - bench</title><style>${CSS}</style></head>
<body>
<header><strong>Acme Store</strong><nav aria-label="Main"><a href="/">Home</a><a href="/deals">Deals</a><a href="/help">Help</a><a href="/account">Account</a></nav>
<input id="search" type="search" placeholder="Search products" aria-label="Search"><span id="cart">Cart: 0</span></header>
<main><section aria-label="Products"><h1>Spring collection</h1><ul class="products" id="products">${cards}</ul></section>
<aside><h2>Checkout</h2><form id="checkout" onsubmit="return false">
<label>Name <input id="name" name="name"></label><label>Email <input id="email" name="email" type="email"></label>
<label>Address <textarea id="address" rows="2"></textarea></label>
<label>Delivery <select id="delivery"><option>Standard</option><option>Express</option></select></label>
<div data-parley-private><label>Card <input id="card" inputmode="numeric"></label></div>
<button type="submit">Pay</button></form>
<h2>Live updates</h2><ul class="feed" id="feed"></ul></aside></main>
<footer><p>Acme Store, 1 Example Street. Terms, privacy, cookies.</p></footer>
<script async src="${relayOrigin}/parley.js" data-site-key="demo"></script>
</body></html>`;
}
