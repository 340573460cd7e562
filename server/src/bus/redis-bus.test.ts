/**
 * RedisBus on a real redis-server: the Bus contract, then what only a network bus does: Redis
 * killed and restarted on the same port, a subscriber cut off by Redis, clusters sharing one
 * Redis, and an unreachable Redis at start.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/servers/redis.js';
import type { Envelope } from './bus.js';
import { collect, describeBusContract, frame, nodesAre, received, WAIT_MS, when } from './bus.contract.js';
import type { ClusterBusOptions } from './cluster-bus.js';
import { openRedisBus, RedisBusError, type RedisBus } from './redis-bus.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** A channel prefix of its own, so tests sharing the server never hear each other. */
function freshPrefix(): string {
  return `test-${randomBytes(4).toString('hex')}:`;
}

describeBusContract('RedisBus', async () => {
  const prefix = freshPrefix();
  return { node: (nodeId, options) => openRedisBus({ url: redis.url, prefix, nodeId, ...options }), close: async () => undefined };
});

/** Resolves once `check()` holds, looking again every few milliseconds (connection state has no event of its own). */
function until(check: () => boolean, what: string): Promise<void> {
  return when(
    (wake) => {
      const timer = setInterval(wake, 10);
      return () => clearInterval(timer);
    },
    check,
    what,
  );
}

/**
 * A TCP proxy to Redis whose open connections can go silent: `silence()` makes every current
 * connection swallow what it is sent, both ways, while its sockets stay open (a network path
 * that drops packets without a reset). New connections pass as usual.
 */
async function silenceableProxy(targetPort: number): Promise<{ url: string; silence(): void; close(): Promise<void> }> {
  const pairs = new Set<{ client: Socket; upstream: Socket; silent: boolean }>();
  const server: Server = createServer((client) => {
    const pair = { client, upstream: createConnection({ host: '127.0.0.1', port: targetPort }), silent: false };
    pairs.add(pair);
    client.on('data', (data) => void (pair.silent || pair.upstream.write(data)));
    pair.upstream.on('data', (data) => void (pair.silent || client.write(data)));
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      pair.upstream.destroy();
    };
    client.on('close', end).on('error', end);
    pair.upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    silence: () => pairs.forEach((pair) => (pair.silent = true)),
    close: async () => {
      for (const pair of pairs) pair.client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function numbers(envelopes: Envelope[]): number[] {
  return envelopes.map((envelope) => (envelope.frame as { agentsOnline: number }).agentsOnline);
}

describe('RedisBus', () => {
  const open: RedisBus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  async function node(nodeId: string, options: ClusterBusOptions & { prefix?: string } = {}): Promise<RedisBus> {
    const bus = await openRedisBus({ url: redis.url, prefix: options.prefix ?? 'outage:', nodeId, heartbeatMs: 50, reconnectMaxMs: 200, ...options });
    open.push(bus);
    return bus;
  }

  it('survives Redis killed and restarted: publish never throws while down, isUp follows, onReconnect fires, delivery resumes', async () => {
    const prefix = freshPrefix();
    const a = await node('a', { prefix });
    const b = await node('b', { prefix });
    await nodesAre([a, b], ['a', 'b']);
    const [atA, atB] = [collect(a), collect(b)];
    const reconnects: string[] = [];
    const downs: string[] = [];
    for (const bus of [a, b]) {
      bus.onReconnect(() => void reconnects.push(bus.nodeId));
      bus.onNodeDown((id) => downs.push(id));
    }

    await redis.kill();
    await until(() => !a.isUp() && !b.isUp(), 'both buses down');
    for (let n = 1; n <= 3; n++) expect(() => a.publish({ topics: ['admins'], frame: frame(n) })).not.toThrow();
    expect(numbers(atA)).toEqual([1, 2, 3]);
    expect(a.stats().dropped).toBeGreaterThanOrEqual(3);
    expect((await a.request('who', null, { to: 'b', timeoutMs: 60_000 })).missing).toEqual(['b']);

    await redis.restart();
    await until(() => reconnects.length === 2, 'both reconnect handlers');
    expect(a.isUp()).toBe(true);
    expect(b.isUp()).toBe(true);
    expect(a.stats().reconnects).toBe(1);
    a.publish({ topics: ['admins'], frame: frame(4) });
    await received(b, atB, 1);
    // What was published while Redis was down is not resent: the store is the truth.
    expect(numbers(atB)).toEqual([4]);
    expect(downs).toEqual([]);
    expect(a.nodes()).toEqual(['a', 'b']);
  });

  it('reconnects subscribers that Redis cut off, and runs the reconnect handlers', async () => {
    const prefix = freshPrefix();
    const a = await node('a', { prefix });
    const b = await node('b', { prefix });
    await nodesAre([a, b], ['a', 'b']);
    const atB = collect(b);
    // Redis cuts every subscriber of the server: both nodes reconnect.
    let reconnected = 0;
    for (const bus of [a, b]) bus.onReconnect(() => void reconnected++);
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    await until(() => reconnected === 2, 'both reconnected');
    a.publish({ topics: ['admins'], frame: frame(1) });
    await received(b, atB, 1);
    expect(numbers(atB)).toEqual([1]);
  });

  it('keeps clusters with different prefixes apart on one Redis, even with the same node ids', async () => {
    const [first, second] = [freshPrefix(), freshPrefix()];
    const a1 = await node('a', { prefix: first });
    const b1 = await node('b', { prefix: first });
    const a2 = await node('a', { prefix: second });
    const b2 = await node('b', { prefix: second });
    await nodesAre([a1, b1], ['a', 'b']);
    await nodesAre([a2, b2], ['a', 'b']);
    const [atB1, atB2] = [collect(b1), collect(b2)];
    a1.publish({ topics: ['admins'], frame: frame(1) });
    await received(b1, atB1, 1);
    // Redis handles commands one at a time and pushes to each subscriber in that order: had b2
    // heard the first cluster, frame 1 would reach it before frame 2.
    a2.publish({ topics: ['admins'], frame: frame(2) });
    await received(b2, atB2, 1);
    expect(numbers(atB1)).toEqual([1]);
    expect(numbers(atB2)).toEqual([2]);
    expect(a1.nodes()).toEqual(['a', 'b']);
  });

  it('replaces connections that went silent without a reset, before the silence makes other nodes look dead', async () => {
    const prefix = freshPrefix();
    const proxy = await silenceableProxy(redis.port);
    try {
      const a = await openRedisBus({ url: proxy.url, prefix, nodeId: 'a', heartbeatMs: 50, deadAfterMs: 10_000, reconnectMaxMs: 200 });
      open.push(a);
      const b = await node('b', { prefix, deadAfterMs: 10_000 });
      await nodesAre([a, b], ['a', 'b']);
      const downsAtA: string[] = [];
      a.onNodeDown((id) => downsAtA.push(id));
      let reconnected = 0;
      a.onReconnect(() => void reconnected++);
      const atB = collect(b);

      proxy.silence();
      await until(() => reconnected === 1, 'a reconnected through fresh connections');
      a.publish({ topics: ['admins'], frame: frame(1) });
      await received(b, atB, 1);
      expect(numbers(atB)).toEqual([1]);
      expect(downsAtA).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('measures its lag: how long its own heartbeat takes to come back', async () => {
    const a = await node('a', { prefix: freshPrefix() });
    expect(a.stats().lagMs).toBeNull();
    await until(() => a.stats().lagMs !== null, 'a heartbeat back');
    expect(a.stats().lagMs).toBeGreaterThanOrEqual(0);
    expect(a.stats().lagMs).toBeLessThan(WAIT_MS);
  });

  it('ignores foreign messages on its channels and goes on delivering', async () => {
    const prefix = freshPrefix();
    const a = await node('a', { prefix });
    const b = await node('b', { prefix });
    await nodesAre([a, b], ['a', 'b']);
    const atB = collect(b);
    const other = new Redis(redis.url);
    try {
      for (const channel of ['frames', 'control', 'node:b']) {
        for (const junk of ['', 'not json', '{"op":"msg"}', '["x",["admins"]]', '["x",["admins"],7]\n{}']) await other.publish(`${prefix}${channel}`, junk);
      }
    } finally {
      other.disconnect();
    }
    a.publish({ topics: ['admins'], frame: frame(1) });
    await received(b, atB, 1);
    expect(numbers(atB)).toEqual([1]);
  });

  it('closes promptly while Redis is down', async () => {
    const a = await node('a', { prefix: freshPrefix() });
    await redis.kill();
    try {
      await until(() => !a.isUp(), 'a down');
      await a.close();
      expect(a.isUp()).toBe(false);
    } finally {
      await redis.restart();
    }
  });

  it('refuses to open when Redis cannot be reached, naming the server without its password', async () => {
    const started = Date.now();
    const refused = openRedisBus({ url: 'redis://:hunter2@127.0.0.1:1', connectTimeoutMs: 500 });
    await expect(refused).rejects.toBeInstanceOf(RedisBusError);
    await expect(refused).rejects.toThrow(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    await refused.catch((error: Error) => expect(error.message).not.toContain('hunter2'));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
