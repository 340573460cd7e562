/**
 * The PostgreSQL driver is an optional weight: the BUILT relay on SQLite (the default) never
 * loads `pg`; only a configured database URL does (`storage/open-storage.ts`). A child process
 * runs the built relay (`npm test` builds it before any test starts) and reports which CommonJS
 * modules it loaded.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

describe('the built relay on SQLite', () => {
  it('starts, serves and stops without loading the PostgreSQL driver', async () => {
    if (!existsSync(join(ROOT, 'server', 'dist', 'index.js'))) {
      throw new Error('The relay is not built (server/dist/index.js): run `npm run build` first (`npm test` does).');
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-lazy-'));
    const script = `
      import { createRequire } from 'node:module';
      const { startRelay } = await import(${JSON.stringify(join(ROOT, 'server', 'dist', 'index.js'))});
      const relay = await startRelay({ host: '127.0.0.1', port: 0, dataDir: ${JSON.stringify(dataDir)}, logLevel: 'silent' });
      const health = await fetch(relay.url + '/healthz');
      await relay.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ status: health.status, pg: loaded.filter((path) => /[\\\\/]node_modules[\\\\/]pg[\\\\/]/.test(path)), sqlite: loaded.some((path) => path.includes('better-sqlite3')) }));
    `;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
      expect(JSON.parse(stdout)).toEqual({ status: 200, pg: [], sqlite: true });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
