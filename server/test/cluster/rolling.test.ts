/**
 * A rolling restart of every node of a two-node cluster (each drained with SIGTERM, then
 * started again) while a visitor and an agent keep writing to each other through the load
 * balancer: nothing acknowledged is lost, nothing is stored twice, and each side ends up holding
 * everything the other wrote. Runs the BUILT relay on real PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, PAGE_ORIGIN, visitorToken } from '../relay-harness.js';
import { startPostgres, type TestPostgres } from '../servers/postgres.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../../examples/cluster/tcp-proxy.mjs';
import { startNode, type RelayNode } from './relay-node.js';
import { ResilientClient } from './resilient-client.js';

let postgres: TestPostgres;
let redis: RedisServer;
let proxy: TcpProxy;
const nodes: RelayNode[] = [];

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  proxy = await startTcpProxy([]);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all(nodes.map((node) => node.kill()));
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

describe('a rolling restart of a cluster', () => {
  it('loses nothing and doubles nothing while both sides keep writing', async () => {
    const env = {
      PARLEY_DATABASE_URL: await postgres.createDatabase(),
      PARLEY_REDIS_URL: redis.url,
      PARLEY_PUBLIC_URL: proxy.url,
    };
    const start = async (name: string): Promise<RelayNode> => {
      const node = await startNode({ name, env, args: ['--frames-per-second', '1000', '--frame-burst', '1000'] });
      nodes.push(node);
      return node;
    };
    const route = (live: RelayNode[]): void => proxy.setBackends(live.map((node) => ({ host: '127.0.0.1', port: node.port })));
    let a = await start('node-a');
    let b = await start('node-b');
    route([a, b]);

    const visitor = new ResilientClient(proxy, (await visitorToken(a)).token, PAGE_ORIGIN);
    await visitor.start();
    visitor.send('visitor-msg-000', 'first');
    await visitor.drained();
    const agent = new ResilientClient(proxy, await adminToken(a), proxy.url, visitor.conversation);
    await agent.start();

    let n = 0;
    const writer = setInterval(() => {
      n++;
      visitor.send(`visitor-msg-${String(n).padStart(3, '0')}`, `visitor ${n}`);
      agent.send(`agent-msg-${String(n).padStart(3, '0')}`, `agent ${n}`);
    }, 25);
    try {
      // Node A drains and comes back; then node B does the same.
      await new Promise((resolve) => setTimeout(resolve, 300));
      route([b]);
      expect(await a.terminate()).toBe(0);
      a = await start('node-a2');
      route([a, b]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      route([a]);
      expect(await b.terminate()).toBe(0);
      b = await start('node-b2');
      route([a, b]);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      clearInterval(writer);
    }
    await Promise.all([visitor.drained(), agent.drained()]);

    // Every message was acknowledged once, each with its own seq.
    const seqs = [...visitor.acked.values(), ...agent.acked.values()];
    expect(visitor.acked.size).toBe(n + 1);
    expect(agent.acked.size).toBe(n);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Each side ends up holding everything the other wrote (replayed or fetched by its gaps).
    const deadline = Date.now() + 20_000;
    const missing = (side: ResilientClient, other: ResilientClient) => [...other.acked.values()].filter((seq) => !side.heldSeqs().has(seq));
    while ((missing(visitor, agent).length > 0 || missing(agent, visitor).length > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(missing(visitor, agent)).toEqual([]);
    expect(missing(agent, visitor)).toEqual([]);
    // Both sides moved nodes at least once.
    expect(visitor.connections).toBeGreaterThan(1);
    expect(agent.connections).toBeGreaterThan(1);
    visitor.stop();
    agent.stop();
  }, 120_000);
});
