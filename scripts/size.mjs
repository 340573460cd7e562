#!/usr/bin/env node
// Prints the bytes of every built browser file as they cross the wire from the relay (widget
// loader, core and chunks; console) beside their size on disk, and checks the budgets of
// ARCHITECTURE.md against them. It starts the BUILT relay on a free port (or uses the one
// `PARLEY_SIZE_RELAY=http://host:port` names) and fetches each file as a browser does, with
// `Accept-Encoding: gzip, deflate, br, zstd`, counting the body bytes received: whatever coding
// the relay chose, or none, is what is measured.
//
// "Before the widget opens" is the sum of the requests a page makes before the visitor opens
// the widget: the loader, the core it `import()`s, and everything the core imports statically
// (test/e2e/relay-assets.test.ts checks in Chromium that a page requests exactly these). The
// lazy chunks (co-browse, loaded only after the visitor consents; consent, the co-browse prompt
// and indicator, loaded with the first co-browse request or sharing for this tab; call, loaded
// on `Start a call` or the first call or callback frame) are measured on their own, with what
// they import beyond the core, and never count towards that total. Exits 1 when a budget is
// exceeded, a lazy chunk is imported statically or a bundle is missing. Run `npm run build` first.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const widgetDist = join(root, 'packages/widget/dist');
const consoleDist = join(root, 'packages/console/dist');
const loaderFile = join(widgetDist, 'parley.js');
const coreFile = join(widgetDist, 'widget/core.js');
const relayBin = join(root, 'server/bin/parley.js');

/** Budgets in bytes on the wire, from ARCHITECTURE.md. */
const BUDGETS = {
  loader: 2048,
  initial: 20480,
  cobrowse: 30720,
  consent: 4096,
  call: 6144,
};

/** What Chromium sends: the relay picks among these. */
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  }).filter((path) => /\.(m?js|css|html)$/.test(path)).sort();
}

/** The path the relay serves a built file at (see server/src/http/router.ts). */
function urlPath(file) {
  if (file.startsWith(consoleDist)) return `/console/${relative(consoleDist, file)}`;
  return `/${relative(widgetDist, file)}`;
}

/** The relative files an ES module imports statically (`import ... from './x.js'`, `import './x.js'`). */
function staticImports(file) {
  const source = readFileSync(file, 'utf8');
  const found = new Set();
  // Minified output: `import{a as b}from"./x.js"`, `import"./x.js"`; dynamic `import(` is skipped.
  const pattern = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*$\s{},]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of source.matchAll(pattern)) found.add(resolve(dirname(file), match[1]));
  return [...found];
}

/** The core and the closure of its static imports. */
function initialClosure(entry) {
  const seen = new Set();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    stack.push(...staticImports(file));
  }
  return [...seen];
}

/** Starts the built relay on a free loopback port; resolves with its origin and a stop function. */
function startRelay() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-size-'));
  const child = spawn(
    process.execPath,
    [relayBin, 'start', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--admin-password', 'size-check-only', '--log-level', 'silent'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } },
  );
  const stop = () =>
    new Promise((done) => {
      const finish = () => {
        rmSync(dataDir, { recursive: true, force: true });
        done();
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish();
      child.once('exit', finish);
      child.kill('SIGTERM');
    });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = /Parley relay listening on (http:\/\/\S+)/.exec(output);
      if (match) resolvePromise({ origin: match[1], stop });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.once('exit', (code, signal) => {
      rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`the relay exited (code ${code}, signal ${signal}) before listening:\n${output}`));
    });
  });
}

/** GETs `path` as a browser would; resolves with the status, the coding and the body bytes received. */
function fetchWire(origin, path) {
  return new Promise((resolvePromise, reject) => {
    const req = request(`${origin}${path}`, { headers: { 'Accept-Encoding': ACCEPT_ENCODING } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolvePromise({ status: res.statusCode, coding: res.headers['content-encoding'] ?? 'identity', bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

if (!existsSync(loaderFile) || !existsSync(coreFile) || !existsSync(relayBin) || !existsSync(join(root, 'server/dist/cli.js'))) {
  console.error('size: not built (packages/widget/dist/parley.js, widget/core.js, server/dist/cli.js); run `npm run build`.');
  process.exit(1);
}

const reused = process.env.PARLEY_SIZE_RELAY;
const relay = reused ? { origin: reused.replace(/\/$/, ''), stop: async () => {} } : await startRelay();
let failed = false;
/** Bytes on the wire per built file. */
const wire = new Map();
const rows = [];
try {
  for (const file of [...listFiles(widgetDist), ...listFiles(consoleDist)]) {
    const path = urlPath(file);
    const answer = await fetchWire(relay.origin, path);
    if (answer.status !== 200) {
      failed = true;
      console.log(`  FAIL ${path} answered ${answer.status}`);
      continue;
    }
    wire.set(file, answer.bytes);
    rows.push([path, answer.bytes, answer.coding, statSync(file).size]);
  }
} finally {
  await relay.stop();
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2).padStart(7)} KB`;
console.log(`bytes on the wire from the relay (${reused ? relay.origin : 'built relay'}, Accept-Encoding: ${ACCEPT_ENCODING})`);
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, bytes, coding, raw] of rows) {
  console.log(`  ${name.padEnd(width)} ${kb(bytes)} ${coding.padEnd(8)} (${bytes} B; ${raw} B raw)`);
}
if (!existsSync(consoleDist)) console.log('  (packages/console/dist is not built; console files not listed)');

/** Wire bytes of a file; a file that could not be fetched fails the run and counts as its raw size. */
const bytesOf = (file) => wire.get(file) ?? statSync(file).size;
const rel = (file) => relative(widgetDist, file);
const loader = bytesOf(loaderFile);
const closure = initialClosure(coreFile);
const isChunk = (name) => (file) => new RegExp(`^${name}-[\\w-]+\\.js$`).test(relative(join(widgetDist, 'widget'), file));
const isCobrowseChunk = isChunk('cobrowse');
const isCallChunk = isChunk('call');
const isConsentChunk = isChunk('consent');
const cobrowseFiles = listFiles(join(widgetDist, 'widget')).filter(isCobrowseChunk);
const callFiles = listFiles(join(widgetDist, 'widget')).filter(isCallChunk);
const consentFiles = listFiles(join(widgetDist, 'widget')).filter(isConsentChunk);
const initial = loader + closure.reduce((sum, file) => sum + bytesOf(file), 0);

console.log('');
console.log('budgets (bytes on the wire)');
const check = (label, size, budget) => {
  const ok = size <= budget;
  if (!ok) failed = true;
  console.log(`  ${ok ? 'ok  ' : 'OVER'} ${label.padEnd(56)} ${kb(size)} of ${kb(budget).trim()}  (${size} / ${budget} B)`);
};
check('loader (parley.js)', loader, BUDGETS.loader);
check(`before the widget opens (parley.js + ${closure.map(rel).join(' + ')})`, initial, BUDGETS.initial);
const mustBeLazy = (files, isLazy, what) => {
  if (closure.some(isLazy)) {
    failed = true;
    console.log(`  FAIL the core imports the ${what} chunk statically; it must load with import() only`);
  }
  if (files.length === 0) {
    failed = true;
    console.log(`  FAIL no ${what} chunk was built`);
  }
};
mustBeLazy(cobrowseFiles, isCobrowseChunk, 'co-browse (widget/cobrowse-*.js)');
mustBeLazy(callFiles, isCallChunk, 'call (widget/call-*.js)');
mustBeLazy(consentFiles, isConsentChunk, 'co-browse UI (widget/consent-*.js)');
/** What loading a chunk adds: the chunk and whatever it imports that the page has not loaded yet. */
const checkChunk = (label, chunk, budget) => {
  const extra = initialClosure(chunk).filter((file) => !closure.includes(file));
  check(`${label} (${extra.map(rel).join(' + ')})`, extra.reduce((sum, file) => sum + bytesOf(file), 0), budget);
};
for (const chunk of cobrowseFiles) checkChunk('co-browse chunk', chunk, BUDGETS.cobrowse);
for (const chunk of callFiles) checkChunk('call chunk', chunk, BUDGETS.call);
for (const chunk of consentFiles) checkChunk('co-browse UI chunk', chunk, BUDGETS.consent);
const viewerFile = join(consoleDist, 'viewer.js');
if (existsSync(viewerFile)) {
  console.log(`  info ${'co-browse viewer (console/viewer.js, no budget)'.padEnd(56)} ${kb(bytesOf(viewerFile))}  (${bytesOf(viewerFile)} B)`);
}

if (failed) {
  console.error('\nsize: over budget (or a bundle is missing or not served)');
  process.exit(1);
}
