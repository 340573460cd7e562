#!/usr/bin/env node
// Prints the gzip size (level 9) of every built browser file (widget loader, core and chunks;
// console) and the total a page loads before the visitor opens the widget: the loader, the core
// and everything the core imports statically. The lazy chunks (co-browse, loaded with `import()`
// only after the visitor consents; consent, the co-browse prompt and indicator, loaded with the
// first co-browse request or sharing for this tab; call, loaded on `Start a call` or the first
// call or callback frame) are measured on their own, with what they import beyond the core, and
// never count towards that total. Exits 1 when a budget is exceeded, a lazy chunk is imported
// statically or a bundle is missing. Run `npm run build` (or `PARLEY_TARGETS=widget npx rollup -c`) first.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const widgetDist = join(root, 'packages/widget/dist');
const consoleDist = join(root, 'packages/console/dist');
const loaderFile = join(widgetDist, 'parley.js');
const coreFile = join(widgetDist, 'widget/core.js');

/** Budgets in bytes of gzip, from ARCHITECTURE.md. */
const BUDGETS = {
  loader: 2048,
  initial: 20480,
  cobrowse: 30720,
  consent: 4096,
  call: 6144,
};

/** Gzip size of a file at level 9, what a well-configured server sends. */
function gzipSize(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  }).filter((path) => /\.(m?js|css|html)$/.test(path)).sort();
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

const kb = (bytes) => `${(bytes / 1024).toFixed(2).padStart(7)} KB`;
const rows = [];
let failed = false;

if (!existsSync(loaderFile) || !existsSync(coreFile)) {
  console.error('size: the widget is not built (packages/widget/dist/parley.js, widget/core.js); run `npm run build`.');
  process.exit(1);
}

const sizes = new Map();
for (const file of [...listFiles(widgetDist), ...listFiles(consoleDist)]) {
  const size = gzipSize(file);
  sizes.set(file, size);
  rows.push([relative(root, file), size]);
}

console.log('gzip -9 size of every browser file');
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, size] of rows) console.log(`  ${name.padEnd(width)} ${kb(size)}  (${size} B)`);
if (!existsSync(consoleDist)) console.log('  (packages/console/dist is not built; console files not listed)');

const loader = sizes.get(loaderFile);
const closure = initialClosure(coreFile);
const isChunk = (name) => (file) => new RegExp(`^${name}-[\\w-]+\\.js$`).test(relative(join(widgetDist, 'widget'), file));
const isCobrowseChunk = isChunk('cobrowse');
const isCallChunk = isChunk('call');
const isConsentChunk = isChunk('consent');
const cobrowseFiles = listFiles(join(widgetDist, 'widget')).filter(isCobrowseChunk);
const callFiles = listFiles(join(widgetDist, 'widget')).filter(isCallChunk);
const consentFiles = listFiles(join(widgetDist, 'widget')).filter(isConsentChunk);
const initial = loader + closure.reduce((sum, file) => sum + (sizes.get(file) ?? gzipSize(file)), 0);

console.log('');
console.log('budgets');
const check = (label, size, budget) => {
  const ok = size <= budget;
  if (!ok) failed = true;
  console.log(`  ${ok ? 'ok  ' : 'OVER'} ${label.padEnd(48)} ${kb(size)} of ${kb(budget).trim()}  (${size} / ${budget} B)`);
};
check('loader (parley.js)', loader, BUDGETS.loader);
check(`before the widget opens (loader + ${closure.map((f) => relative(widgetDist, f)).join(' + ')})`, initial, BUDGETS.initial);
if (closure.some(isCobrowseChunk)) {
  failed = true;
  console.log('  FAIL the core imports the co-browse chunk statically; it must load with import() only');
}
if (cobrowseFiles.length === 0) {
  failed = true;
  console.log('  FAIL no co-browse chunk (widget/cobrowse-*.js) was built');
}
if (closure.some(isCallChunk)) {
  failed = true;
  console.log('  FAIL the core imports the call chunk statically; it must load with import() only');
}
if (callFiles.length === 0) {
  failed = true;
  console.log('  FAIL no call chunk (widget/call-*.js) was built');
}
if (closure.some(isConsentChunk)) {
  failed = true;
  console.log('  FAIL the core imports the co-browse UI chunk statically; it must load with import() only');
}
if (consentFiles.length === 0) {
  failed = true;
  console.log('  FAIL no co-browse UI chunk (widget/consent-*.js) was built');
}
/** What loading a chunk adds: the chunk and whatever it imports that the page has not loaded yet. */
const checkChunk = (label, chunk, budget) => {
  const extra = initialClosure(chunk).filter((file) => !closure.includes(file));
  const size = extra.reduce((sum, file) => sum + (sizes.get(file) ?? gzipSize(file)), 0);
  check(`${label} (${extra.map((f) => relative(widgetDist, f)).join(' + ')})`, size, budget);
};
for (const chunk of cobrowseFiles) checkChunk('co-browse chunk', chunk, BUDGETS.cobrowse);
for (const chunk of callFiles) checkChunk('call chunk', chunk, BUDGETS.call);
for (const chunk of consentFiles) checkChunk('co-browse UI chunk', chunk, BUDGETS.consent);
const viewerFile = join(consoleDist, 'viewer.js');
if (existsSync(viewerFile)) {
  const size = sizes.get(viewerFile) ?? gzipSize(viewerFile);
  console.log(`  info co-browse viewer (console/dist/viewer.js, no budget)      ${kb(size)}  (${size} B)`);
}

if (failed) {
  console.error('\nsize: over budget');
  process.exit(1);
}
