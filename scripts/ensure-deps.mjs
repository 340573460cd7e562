#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the npm dependencies when they
// are missing (`npm ci`, from the lockfile) and, with `--browser` (what `npm test` passes), the
// Debian packages the tests start on their own when they are missing and apt-get can be run:
// Chromium (end-to-end tests), PostgreSQL 15 and redis-server (the scale-out tests).
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

/** Debian packages the tests need, by the file that shows each is there. */
const PACKAGES = [
  { file: '/usr/bin/chromium', name: 'chromium', why: 'the end-to-end tests' },
  { file: '/usr/lib/postgresql/15/bin/postgres', name: 'postgresql-15', why: 'the PostgreSQL store tests' },
  { file: '/usr/bin/redis-server', name: 'redis-server', why: 'the Redis bus tests' },
];

const missing = process.argv.includes('--browser') ? PACKAGES.filter((p) => !existsSync(p.file)) : [];
if (missing.length > 0) {
  const isRoot = process.getuid?.() === 0;
  const found = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
  if (!found('apt-get') || (!isRoot && !found('sudo'))) {
    for (const p of missing) console.error(`${p.why} need ${p.file} (Debian: apt-get install -y ${p.name}).`);
    process.exit(1);
  }
  const [apt, ...aptArgs] = isRoot ? ['apt-get'] : ['sudo', 'apt-get'];
  console.error(`Installing ${missing.map((p) => `${p.name} (${p.why})`).join(', ')}...`);
  run(apt, [...aptArgs, 'update']);
  run(apt, [...aptArgs, 'install', '-y', '--no-install-recommends', ...missing.map((p) => p.name)]);
}
