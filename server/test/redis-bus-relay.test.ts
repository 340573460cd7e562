/**
 * `PARLEY_REDIS_URL` on a real relay and a real redis-server: a relay holds its two Redis
 * connections only while it runs, and a Redis that refuses the relay stops `parley start` with
 * one line. (Two relays delivering through Redis: `relays-on-one-bus.test.ts`.)
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { startTestRelay } from './relay-harness.js';
import { startRedis, type RedisServer } from './servers/redis.js';

/** The client names Redis lists right now. */
async function clientNames(url: string): Promise<string[]> {
  const admin = new Redis(url);
  try {
    const list = (await admin.call('CLIENT', 'LIST')) as string;
    return [...list.matchAll(/ name=(\S*)/g)].map((match) => match[1]!).filter((name) => name !== '');
  } finally {
    admin.disconnect();
  }
}

describe('a relay on a Redis bus', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it('holds its publishing and subscribing connections while it runs, and closes them when it stops', async () => {
    const relay = await startTestRelay({ storage: 'memory', redisUrl: redis.url, nodeId: 'relay-named' });
    try {
      expect((await clientNames(redis.url)).filter((name) => name.startsWith('parley-relay-named')).sort()).toEqual([
        'parley-relay-named-pub',
        'parley-relay-named-sub',
      ]);
    } finally {
      await relay.stop();
    }
    expect((await clientNames(redis.url)).filter((name) => name.startsWith('parley-relay-named'))).toEqual([]);
  });
});

describe('parley start with a Redis that refuses it', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ password: 'the-right-one' });
  });
  afterAll(() => redis.stop());

  it('ends at once with one line naming the server, not its password, and the cause', async () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (text: string) => void errors.push(text) };
    const url = `redis://:the-wrong-one@127.0.0.1:${redis.port}`;
    const started = Date.now();
    const code = await runCli(['start', '--storage', 'memory', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', '--redis-url', url, '--secret', 'shared-secret'], {}, io);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^parley: Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}/? refused this relay: WRONGPASS`));
    expect(errors[0]).not.toContain('the-wrong-one');
  });
});
