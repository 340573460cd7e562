/**
 * `PARLEY_REDIS_URL` on a real relay and a real redis-server: two relays sharing one store and
 * one Redis deliver each other's frames, a relay holds its two Redis connections only while it
 * runs, and a Redis that refuses the relay stops `parley start` with one line.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken } from './relay-harness.js';
import { startRedis, type RedisServer } from './servers/redis.js';

const RELAY_SECRET = 'redis-bus-relay-test-secret-0123456789';

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

describe('relays on a Redis bus', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it('deliver a visitor message to its tab on the other relay, and the agent reply back', async () => {
    const storage = new MemoryStorage();
    await storage.migrate();
    const common = { storageInstance: storage, secret: RELAY_SECRET, redisUrl: redis.url, redisPrefix: 'relays:' };
    const a = await startTestRelay({ ...common, nodeId: 'relay-a' });
    const b = await startTestRelay({ ...common, nodeId: 'relay-b' });
    try {
      const { token } = await visitorToken(a);
      const onA = new TestClient(a, token, PAGE_ORIGIN);
      const onB = new TestClient(b, token, PAGE_ORIGIN);
      await Promise.all([onA.hello(), onB.hello()]);
      onA.send({ type: 'chat.send', clientId: 'cross-node-1', text: 'sent through A' });
      const ack = await onA.next('chat.ack');
      expect((await onB.next('chat.message')).message.text).toBe('sent through A');

      const agent = new TestClient(b, await adminToken(b), b.publicOrigin);
      await agent.hello();
      agent.send({ type: 'chat.send', clientId: 'cross-node-reply', conversationId: ack.conversationId, text: 'answered on B' });
      const reply = await onA.next('chat.message', (frame) => frame.message.author === 'agent');
      expect(reply.message.text).toBe('answered on B');
      for (const client of [onA, onB, agent]) client.close();
    } finally {
      await a.stop();
      await b.stop();
    }
  });

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
