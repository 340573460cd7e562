/**
 * A single relay node never loads the Redis client: the BUILT relay (`server/dist`, made by
 * `npm run build`) is started in a child process, which reports how many ioredis files it
 * loaded (ioredis is CommonJS, so they show in `require.cache`). With a Redis URL it must load
 * them, or the probe proves nothing.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from './servers/redis.js';

const BUILT = pathToFileURL(resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'dist', 'index.js')).href;

const PROBE = `
import { createRequire } from 'node:module';
const { startRelay } = await import(${JSON.stringify(BUILT)});
const redisUrl = process.env.PROBE_REDIS_URL || null;
const relay = await startRelay({ port: 0, host: '127.0.0.1', storage: 'memory', logLevel: 'silent', redisUrl });
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('/node_modules/ioredis/'));
await relay.close();
process.stdout.write(String(loaded.length));
`;

/** Starts the built relay in a child process; resolves with the number of ioredis files it loaded. */
function ioredisFilesLoaded(redisUrl: string | null): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE], {
    env: { ...process.env, PROBE_REDIS_URL: redisUrl ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    child.once('close', (code) => {
      if (code === 0 && /^\d+$/.test(stdout)) resolvePromise(Number(stdout));
      else reject(new Error(`probe exited ${code}: ${stdout}\n${stderr}`));
    });
  });
}

describe('the built relay', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it('loads no Redis client without a Redis URL', async () => {
    expect(await ioredisFilesLoaded(null)).toBe(0);
  });

  it('loads it with one', async () => {
    expect(await ioredisFilesLoaded(redis.url)).toBeGreaterThan(0);
  });
});
