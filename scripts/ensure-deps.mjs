#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the npm dependencies when they
// are missing (`npm ci`, from the lockfile) and, with `--browser`, Debian's Chromium for the
// end-to-end tests when /usr/bin/chromium is missing and apt-get can be run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  console.error(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The packages whose absence means `npm ci` has not run (the native SQLite binding included). */
const installed = ['node_modules/rollup', 'node_modules/vitest', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'];

if (!installed.every((path) => existsSync(join(root, path)))) {
  console.error('Installing dependencies (npm ci)...');
  run('npm', ['ci']);
}

if (process.argv.includes('--browser') && !existsSync('/usr/bin/chromium')) {
  const isRoot = process.getuid?.() === 0;
  const found = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
  if (!found('apt-get') || (!isRoot && !found('sudo'))) {
    console.error('The end-to-end tests need Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium).');
    process.exit(1);
  }
  const [apt, ...aptArgs] = isRoot ? ['apt-get'] : ['sudo', 'apt-get'];
  console.error('Installing Debian Chromium for the end-to-end tests...');
  run(apt, [...aptArgs, 'update']);
  run(apt, [...aptArgs, 'install', '-y', '--no-install-recommends', 'chromium']);
}
