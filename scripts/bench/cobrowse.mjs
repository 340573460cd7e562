// The co-browse part of the bench: the built relay, Debian's Chromium driving the built widget
// (visitor) and console (agent) in two contexts of one browser. It measures (a) the latency
// from a DOM change on the visitor's page to that change in the console viewer's mirror
// document, (b) the bytes per second the visitor sends in cobrowse.events frames while someone
// uses a typical page, the first full snapshot's size, and (c) the gzip size of the co-browse
// chunk the browser fetched after consent. Both pages share one clock (performance.timeOrigin +
// performance.now() in one browser on one machine).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ADMIN_PASSWORD } from './parley-client.mjs';
import { benchPage } from './cobrowse-page.mjs';
import { summarize } from './stats.mjs';

/** The files the part needs besides the relay. */
const BUILT = ['packages/widget/dist/parley.js', 'packages/widget/dist/widget/core.js', 'packages/console/dist/console.js', 'packages/console/dist/viewer.js'];

/** The same quiet, deterministic flags the end-to-end tests use. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const STEP_MS = 15_000;

/** The options of this part, from the bench's flags. */
export function cobrowseOptions(opts) {
  return {
    changes: opts.quick ? 30 : 200,
    intervalMs: 100,
    interactiveSeconds: opts.quick ? 5 : 20,
  };
}

/** Files missing for this part (relative to `root`). */
export function cobrowseMissing(root) {
  return BUILT.filter((file) => !existsSync(join(root, file)));
}

/** Serves the bench's host page on its own loopback origin. */
async function startHost(relayOrigin) {
  const html = benchPage(relayOrigin);
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/shop`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

/** The viewer frame inside the console page (the co-browse iframe). */
async function viewerFrame(page) {
  const handle = await page.locator('iframe[title="Visitor\'s page"]').elementHandle({ timeout: STEP_MS });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the console shows no co-browse viewer');
  return frame;
}

/** Waits until the mirror document holds `selector`. */
async function waitForMirror(page, selector) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const found = await viewerFrame(page)
      .then((frame) => frame.evaluate((s) => !!document.querySelector('iframe[data-parley-mirror]')?.contentDocument?.querySelector(s), selector))
      .catch(() => false);
    if (found) return;
    if (Date.now() > deadline) throw new Error(`the mirror never showed ${selector}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Installs the mirror probe in the viewer: a MutationObserver on the mirror document records
 * when each `[id^=bench-m-]` element appears (re-attached if the mirror document is replaced).
 */
function installMirrorProbe(frame) {
  return frame.evaluate(() => {
    const seen = {};
    Object.defineProperty(window, '__benchSeen', { value: seen });
    let observed = null;
    const note = (node, now) => {
      if (node.nodeType !== 1) return;
      const elements = node.id?.startsWith('bench-m-') ? [node] : Array.from(node.querySelectorAll('[id^="bench-m-"]'));
      for (const element of elements) if (!(element.id in seen)) seen[element.id] = now;
    };
    const attach = () => {
      const doc = document.querySelector('iframe[data-parley-mirror]')?.contentDocument;
      if (!doc || doc === observed) return;
      observed = doc;
      const now = performance.timeOrigin + performance.now();
      if (doc.documentElement) note(doc.documentElement, now);
      new MutationObserver((records) => {
        const at = performance.timeOrigin + performance.now();
        for (const record of records) for (const node of record.addedNodes) note(node, at);
      }).observe(doc, { childList: true, subtree: true });
    };
    attach();
    setInterval(attach, 20);
  });
}

/** Signs the relay's admin in to a console page. */
async function signIn(page, consoleOrigin) {
  await page.goto(`${consoleOrigin}/console/`);
  await page.getByRole('textbox', { name: 'Email' }).fill('admin@localhost');
  await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Inbox' }).waitFor({ timeout: STEP_MS });
}

/** Part (a): `changes` DOM insertions, one every `intervalMs`, each timed until the mirror has it. */
async function measureLatency(visitor, agent, { changes, intervalMs }) {
  const viewer = await viewerFrame(agent);
  await installMirrorProbe(viewer);
  const sent = await visitor.evaluate(
    ({ changes, intervalMs }) =>
      new Promise((resolve) => {
        const times = [];
        const feed = document.getElementById('feed');
        let i = 0;
        const tick = () => {
          const item = document.createElement('li');
          item.id = `bench-m-${i}`;
          item.textContent = `Update ${i}: product ${1 + (i % 48)} now ${(10 + (i % 17)).toFixed(2)} EUR`;
          times.push(performance.timeOrigin + performance.now());
          feed.prepend(item);
          // The feed keeps its 20 newest lines, as a live widget on a real page would.
          while (feed.children.length > 20) feed.lastElementChild.remove();
          i += 1;
          if (i < changes) setTimeout(tick, intervalMs);
          else resolve(times);
        };
        tick();
      }),
    { changes, intervalMs },
  );
  const deadline = Date.now() + 10_000;
  let seen = {};
  for (;;) {
    seen = await viewer.evaluate(() => ({ ...window.__benchSeen }));
    if (Object.keys(seen).length >= changes || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const latencies = [];
  sent.forEach((at, i) => {
    const arrived = seen[`bench-m-${i}`];
    if (arrived !== undefined) latencies.push(arrived - at);
  });
  return { ...summarize(latencies), missing: changes - latencies.length };
}

/** Part (b): a scripted visitor session; returns the cobrowse.events bytes sent during it. */
async function interactive(visitor, frames, seconds) {
  const start = Date.now();
  const from = frames.length;
  // Page-side updates a real shop makes on its own: a price ticker and a cart counter.
  await visitor.evaluate(() => {
    let n = 0;
    window.__benchTicker = setInterval(() => {
      n += 1;
      const price = document.getElementById(`price-${1 + (n % 48)}`);
      if (price) price.textContent = `${(9 + (n % 31)).toFixed(2)} EUR`;
      document.getElementById('cart').textContent = `Cart: ${n % 7}`;
    }, 500);
  });
  const words = ['lamp', 'desk chair', 'kettle', 'headphones', 'backpack'];
  let round = 0;
  while (Date.now() - start < seconds * 1000) {
    round += 1;
    for (let k = 0; k < 8; k++) await visitor.mouse.move(100 + ((round * 97 + k * 131) % 1000), 120 + ((round * 53 + k * 71) % 600), { steps: 6 });
    await visitor.mouse.wheel(0, round % 2 ? 400 : -300);
    await visitor.locator('#search').fill('');
    await visitor.locator('#search').pressSequentially(words[round % words.length], { delay: 40 });
    if (round % 3 === 0) await visitor.locator('#name').pressSequentially('Ada', { delay: 40 });
    await visitor.waitForTimeout(300);
  }
  const elapsed = (Date.now() - start) / 1000;
  await visitor.evaluate(() => clearInterval(window.__benchTicker));
  const window_ = frames.slice(from).filter((f) => f.at >= start);
  const bytes = window_.reduce((sum, f) => sum + f.bytes, 0);
  return { seconds: Math.round(elapsed * 10) / 10, bytes, bytesPerSecond: Math.round(bytes / elapsed), framesPerSecond: Math.round((window_.length / elapsed) * 10) / 10 };
}

/** Gzip -9 size of the widget files the visitor fetched only after consent. */
function chunkSizes(root, urls) {
  const dir = join(root, 'packages/widget/dist/widget');
  const names = new Set(urls.map((url) => new URL(url).pathname.replace(/^\/widget\//, '')));
  const files = readdirSync(dir).filter((name) => names.has(name));
  const sizes = files.map((name) => ({ name, gzip: gzipSync(readFileSync(join(dir, name)), { level: 9 }).length }));
  return { files: sizes, gzip: sizes.reduce((sum, f) => sum + f.gzip, 0) };
}

/**
 * Runs the co-browse part against a fresh relay from `startRelay('parley')`.
 * @param {string} root the repository root
 * @param {object} opts the bench's options (`quick`)
 * @param {(kind: string) => Promise<{ origin: string, stop(): Promise<void> }>} startRelay
 * @param {(line: string) => void} log
 */
export async function cobrowse(root, opts, startRelay, log) {
  const options = cobrowseOptions(opts);
  const relay = await startRelay('parley');
  const port = new URL(relay.origin).port;
  // The console runs on the relay's public origin (localhost), the host page on 127.0.0.1.
  const consoleOrigin = `http://localhost:${port}`;
  const host = await startHost(relay.origin);
  const browser = await chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const agentContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const agent = await agentContext.newPage();
    await signIn(agent, consoleOrigin);

    const visitorContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const visitor = await visitorContext.newPage();
    const frames = [];
    visitor.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8');
        if (!text.includes('"cobrowse.events"')) return;
        const { full = false, parts = 1 } = JSON.parse(text);
        frames.push({ at: Date.now(), bytes: Buffer.byteLength(text), full, parts });
      }),
    );
    const requests = [];
    visitor.on('request', (request) => requests.push(request.url()));
    await visitor.goto(host.url);
    log('cobrowse: visitor page loaded; starting a conversation');
    await visitor.getByRole('button', { name: /^Open chat/ }).click({ timeout: STEP_MS });
    const text = `Bench question ${Date.now()}`;
    await visitor.getByRole('dialog', { name: 'Chat' }).getByRole('textbox', { name: 'Message' }).fill(text);
    await visitor.getByRole('dialog', { name: 'Chat' }).getByRole('button', { name: 'Send', exact: true }).click();
    await agent.getByRole('button', { name: new RegExp(text) }).or(agent.getByRole('link', { name: new RegExp(text) })).first().click({ timeout: STEP_MS });
    const beforeConsent = requests.length;
    await agent.getByRole('button', { name: 'Ask to see page' }).click({ timeout: STEP_MS });
    await visitor.getByRole('alertdialog', { name: /wants to see this page$/ }).getByRole('button', { name: 'Share this page' }).click({ timeout: STEP_MS });
    await waitForMirror(agent, '#products');
    // The first full snapshot: the first `full` frame and the rest of its parts.
    const first = frames.findIndex((f) => f.full);
    const fullFrames = first < 0 ? [] : frames.slice(first, first + frames[first].parts);
    const fullSnapshotBytes = fullFrames.reduce((sum, f) => sum + f.bytes, 0);
    const elements = await visitor.evaluate(() => document.querySelectorAll('body *').length);
    const chunk = chunkSizes(root, requests.slice(beforeConsent).filter((url) => url.startsWith(`${relay.origin}/widget/`)));
    log(`cobrowse: sharing a page of ${elements} elements; ${options.changes} DOM changes, one every ${options.intervalMs} ms`);

    const latency = await measureLatency(visitor, agent, options);
    log(`cobrowse: ${options.interactiveSeconds} s interactive session`);
    const traffic = await interactive(visitor, frames, options.interactiveSeconds);
    return {
      elements,
      changes: options.changes,
      intervalMs: options.intervalMs,
      latency,
      fullSnapshotBytes,
      fullSnapshotFrames: fullFrames.length,
      traffic,
      chunk,
    };
  } finally {
    await browser.close().catch(() => undefined);
    await host.close();
    await relay.stop();
  }
}
