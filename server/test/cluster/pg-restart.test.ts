/**
 * PostgreSQL restarted under a two-node cluster (PostgreSQL + Redis, behind the TCP load
 * balancer) while a visitor on one node and an agent on the other keep writing: every send
 * during the outage is refused with `unavailable` and never acknowledged, both nodes' `/readyz`
 * answer 503, and once the database is back the clients' outboxes deliver what they kept: every
 * message exactly once, in the order it was written, on the other side; nothing acknowledged
 * before the outage is lost. The nodes are not restarted: their pools reconnect by themselves.
 * Runs the BUILT relay.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, PAGE_ORIGIN, visitorToken, type RelayAddress } from '../relay-harness.js';
import { startPostgres, type TestPostgres } from '../servers/postgres.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../../examples/cluster/tcp-proxy.mjs';
import { startNode, type RelayNode } from './relay-node.js';
import { ResilientClient } from './resilient-client.js';

let postgres: TestPostgres;
let redis: RedisServer;
let proxy: TcpProxy;
const nodes: RelayNode[] = [];
const clients: ResilientClient[] = [];

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  proxy = await startTcpProxy([]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.stop();
  await proxy?.close();
  await Promise.all(nodes.map((node) => node.kill()));
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

/** `/readyz` of a node: its status and the checks that failed. */
async function readiness(node: RelayAddress): Promise<{ status: number; failed: unknown }> {
  const res = await fetch(`${node.url}/readyz`);
  const body = (await res.json()) as { failed?: unknown };
  return { status: res.status, failed: body.failed };
}

/** Resolves once `check` holds (bounded). */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The client ids of `author`'s messages `side` received, in seq order, each seq once. */
function receivedFrom(side: ResilientClient, author: 'visitor' | 'agent'): string[] {
  return [...side.received.values()]
    .filter((m) => m.author === author)
    .sort((x, y) => x.seq - y.seq)
    .map((m) => m.clientId ?? '');
}

describe('PostgreSQL restarted under a cluster', () => {
  it('refuses sends with unavailable while it is down, never acking them, and delivers each once and in order after', async () => {
    const databaseUrl = await postgres.createDatabase();
    const env = { PARLEY_DATABASE_URL: databaseUrl, PARLEY_REDIS_URL: redis.url, PARLEY_PUBLIC_URL: proxy.url };
    const args = ['--frames-per-second', '1000', '--frame-burst', '1000'];
    // One at a time: the first start creates the demo site and the admin.
    const a = await startNode({ name: 'node-a', env, args });
    nodes.push(a);
    const b = await startNode({ name: 'node-b', env, args });
    nodes.push(b);
    const backend = (node: RelayNode) => ({ host: '127.0.0.1', port: node.port });

    // The visitor lands on node A and the agent on node B, both through the load balancer.
    proxy.setBackends([backend(a)]);
    const visitor = new ResilientClient(proxy, (await visitorToken(a)).token, PAGE_ORIGIN);
    clients.push(visitor);
    await visitor.start();
    visitor.send('visitor-00', 'Is anyone there?');
    await visitor.drained();
    proxy.setBackends([backend(b)]);
    const agent = new ResilientClient(proxy, await adminToken(b), proxy.url, visitor.conversation);
    clients.push(agent);
    await agent.start();
    proxy.setBackends([backend(a), backend(b)]);
    expect(proxy.connectionsByBackend()).toEqual(new Map([[a.port, 1], [b.port, 1]]));

    // A conversation going: both sides write and read each other.
    for (let i = 1; i <= 3; i++) {
      agent.send(`agent-0${i}`, `agent before ${i}`);
      visitor.send(`visitor-0${i}`, `visitor before ${i}`);
    }
    await Promise.all([visitor.drained(), agent.drained()]);
    const ackedBefore = new Map([...visitor.acked, ...agent.acked]);
    await until('each side holds what the other wrote', () => receivedFrom(agent, 'visitor').length === 4 && receivedFrom(visitor, 'agent').length === 3);

    await postgres.shutdown();
    const during = { visitor: ['visitor-11', 'visitor-12', 'visitor-13', 'visitor-14', 'visitor-15'], agent: ['agent-11', 'agent-12', 'agent-13', 'agent-14', 'agent-15'] };
    for (let i = 0; i < 5; i++) {
      visitor.send(during.visitor[i]!, `visitor during ${i + 1}`);
      agent.send(during.agent[i]!, `agent during ${i + 1}`);
    }
    await Promise.all([visitor.refused(during.visitor), agent.refused(during.agent)]);
    // Refused, each with the clear code, and sent again (still refused) while the database is down.
    await until('every message was refused twice', () =>
      [...during.visitor.map((id) => [visitor, id] as const), ...during.agent.map((id) => [agent, id] as const)].every(
        ([side, id]) => side.refusals.filter((r) => r.clientId === id).length >= 2,
      ),
    );
    expect(new Set([...visitor.refusals, ...agent.refusals].map((r) => r.code))).toEqual(new Set(['unavailable']));
    expect([...during.visitor, ...during.agent].filter((id) => visitor.acked.has(id) || agent.acked.has(id))).toEqual([]);
    expect(await readiness(a)).toEqual({ status: 503, failed: ['storage'] });
    expect(await readiness(b)).toEqual({ status: 503, failed: ['storage'] });

    await postgres.restart();
    await Promise.all([visitor.drained(), agent.drained()]);
    expect(await readiness(a)).toEqual({ status: 200, failed: undefined });
    expect(await readiness(b)).toEqual({ status: 200, failed: undefined });

    // Each side ends up holding everything the other wrote, each message once and in the order written.
    const visitorWrote = ['visitor-00', 'visitor-01', 'visitor-02', 'visitor-03', ...during.visitor];
    const agentWrote = ['agent-01', 'agent-02', 'agent-03', ...during.agent];
    await until('each side holds everything the other wrote', () =>
      receivedFrom(agent, 'visitor').length === visitorWrote.length && receivedFrom(visitor, 'agent').length === agentWrote.length,
    );
    expect(receivedFrom(agent, 'visitor')).toEqual(visitorWrote);
    expect(receivedFrom(visitor, 'agent')).toEqual(agentWrote);
    for (const side of [visitor, agent]) expect([...side.liveCopies.values()].every((copies) => copies === 1)).toBe(true);
    // The same in the database: one row per client id, acknowledged seqs unchanged.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ client_id: string; seq: number }>(
        'SELECT client_id, seq::int AS seq FROM messages WHERE conversation_id = $1 ORDER BY seq',
        [visitor.conversation],
      );
      const stored = rows.map((r) => r.client_id).filter((id) => /^(?:visitor|agent)-\d\d$/.test(id));
      expect(stored.filter((id) => id.startsWith('visitor-'))).toEqual(visitorWrote);
      expect(stored.filter((id) => id.startsWith('agent-'))).toEqual(agentWrote);
      for (const [clientId, seq] of ackedBefore) expect(rows.find((r) => r.client_id === clientId)?.seq, clientId).toBe(seq);
    } finally {
      await db.end();
    }
    // The nodes were never restarted, and the clients never had to move.
    expect(a.process.exitCode).toBeNull();
    expect(b.process.exitCode).toBeNull();
    expect([visitor.connections, agent.connections]).toEqual([1, 1]);
  }, 120_000);
});
