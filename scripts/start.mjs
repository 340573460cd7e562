#!/usr/bin/env node
// `npm start`: installs dependencies when missing, builds every bundle when one is missing or older than its sources, then runs
// `parley start` with the given arguments, passing SIGINT/SIGTERM on so the relay shuts down
// gracefully.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const outputs = [
  'packages/widget/dist/parley.js',
  'packages/widget/dist/widget/core.js',
  'packages/console/dist/console.js',
  'server/dist/cli.js',
  'server/dist/index.js',
].map((file) => join(root, file));

const sourceDirs = ['packages/protocol/src', 'packages/widget/src', 'packages/console/src', 'server/src'].map((dir) => join(root, dir));

/** Newest modification time of the non-test sources under `dir`. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!/\.test\.tsx?$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

function needsBuild() {
  if (outputs.some((file) => !existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const sources = Math.max(statSync(join(root, 'rollup.config.mjs')).mtimeMs, ...sourceDirs.map(newest));
  return sources > built;
}

// A fresh clone has no node_modules yet: install them first (needs nothing but npm).
const ensure = spawnSync(process.execPath, [join(root, 'scripts/ensure-deps.mjs')], { cwd: root, stdio: 'inherit' });
if (ensure.status !== 0) process.exit(ensure.status ?? 1);

if (needsBuild()) {
  console.error('Building Parley (npx rollup -c)...');
  const build = spawnSync('npx', ['rollup', '-c'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const relay = spawn(process.execPath, [join(root, 'server/bin/parley.js'), 'start', ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => relay.kill(signal));
}
relay.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, as a shell expects; our own forwarding handler must not catch it.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  else process.exit(code ?? 0);
});
