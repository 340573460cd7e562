/**
 * Relay nodes as real processes on one PostgreSQL and one Redis, behind a TCP load balancer:
 * a visitor and an agent on different nodes, a node killed with SIGKILL, Redis killed and
 * restarted mid-conversation. Runs the BUILT relay (`npm test` builds it first).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ServerFrame } from '@parley/protocol';
import { PAGE_ORIGIN, TestClient, adminToken, visitorToken, type RelayAddress } from '../relay-harness.js';
import { startPostgres, type TestPostgres } from '../servers/postgres.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { startNode, type RelayNode } from './relay-node.js';
import { startTcpProxy, type TcpProxy } from '../../../examples/cluster/tcp-proxy.mjs';

let postgres: TestPostgres;
let redis: RedisServer;
let running: { nodes: RelayNode[]; proxy: TcpProxy | null; clients: TestClient[] } = { nodes: [], proxy: null, clients: [] };

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

afterEach(async () => {
  for (const client of running.clients) client.close();
  await running.proxy?.close();
  await Promise.all(running.nodes.map((node) => node.kill()));
  running = { nodes: [], proxy: null, clients: [] };
});

/** Two nodes on a fresh database and the shared Redis (a prefix of their own), behind a proxy. */
async function cluster(): Promise<{ a: RelayNode; b: RelayNode; proxy: TcpProxy }> {
  const databaseUrl = await postgres.createDatabase();
  // The load balancer's address is the public one of every node (the console's origin).
  const proxy = await startTcpProxy([]);
  running.proxy = proxy;
  const env = {
    PARLEY_DATABASE_URL: databaseUrl,
    PARLEY_REDIS_URL: redis.url,
    PARLEY_REDIS_PREFIX: `parley-${Math.random().toString(36).slice(2)}:`,
    PARLEY_PUBLIC_URL: proxy.url,
  };
  // One at a time: the first start creates the demo site and the admin.
  const a = await startNode({ name: 'node-a', env, args: ['--frames-per-second', '1000', '--frame-burst', '1000'] });
  running.nodes.push(a);
  const b = await startNode({ name: 'node-b', env, args: ['--frames-per-second', '1000', '--frame-burst', '1000'] });
  running.nodes.push(b);
  proxy.setBackends([a, b].map((node) => ({ host: '127.0.0.1', port: node.port })));
  await Promise.all([a, b].map((node) => untilReady(node)));
  return { a, b, proxy };
}

/** Waits until a node answers `/readyz` with 200 (its store and bus reachable). */
async function untilReady(relay: RelayAddress): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${relay.url}/readyz`).catch(() => null);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${relay.url} never became ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A visitor's client (from the site's page) or, with `console`, an agent's (from the console's origin). */
function client(relay: RelayAddress, token: string, console = false): TestClient {
  const made = new TestClient(relay, token, console ? running.proxy!.url : PAGE_ORIGIN);
  running.clients.push(made);
  return made;
}

/** The messages a client was sent (live or replayed), by seq, each once. */
function messagesOf(c: TestClient, conversationId: string): Message[] {
  const bySeq = new Map<number, Message>();
  for (const frame of c.frames) {
    const found: Message[] =
      frame.type === 'chat.message' ? [frame.message] : frame.type === 'chat.messages' ? frame.messages : [];
    for (const message of found) if (message.conversationId === conversationId) bySeq.set(message.seq, message);
  }
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

/** How many times a client was sent the message of this seq. */
function timesSent(c: TestClient, conversationId: string, seq: number): number {
  let times = 0;
  for (const frame of c.frames as ServerFrame[]) {
    if (frame.type === 'chat.message' && frame.message.conversationId === conversationId && frame.message.seq === seq) times++;
    if (frame.type === 'chat.messages') times += frame.messages.filter((m) => m.conversationId === conversationId && m.seq === seq).length;
  }
  return times;
}

/** A visitor on `visitorNode` with a conversation followed by the admin on `agentNode`. */
async function conversationAcross(visitorNode: RelayAddress, agentNode: RelayAddress) {
  const { token } = await visitorToken(visitorNode);
  const visitor = client(visitorNode, token);
  await visitor.hello();
  const agent = client(agentNode, await adminToken(agentNode), true);
  await agent.hello();
  visitor.send({ type: 'chat.send', clientId: 'first-question', text: 'Is anyone there?' });
  const ack = await visitor.next('chat.ack');
  const conversationId = ack.conversationId;
  await agent.next('conversation.updated', (f) => f.conversation.id === conversationId, 10_000);
  agent.send({ type: 'conversation.open', conversationId });
  await agent.next('conversation.detail');
  return { visitor, agent, conversationId, visitorToken: token };
}

describe('a cluster of relay processes on PostgreSQL and Redis', () => {
  it('carries a conversation both ways between a visitor on one node and an agent on another', async () => {
    const { a, b } = await cluster();
    const { visitor, agent, conversationId } = await conversationAcross(a, b);

    agent.send({ type: 'chat.send', conversationId, clientId: 'agent-reply-1', text: 'Yes, Ann here.' });
    await agent.next('chat.ack', (f) => f.clientId === 'agent-reply-1');
    await visitor.next('chat.message', (f) => f.message.text === 'Yes, Ann here.', 10_000);
    visitor.send({ type: 'chat.send', conversationId, clientId: 'visitor-again', text: 'Great, thanks' });
    await agent.next('chat.message', (f) => f.message.text === 'Great, thanks', 10_000);
    expect(messagesOf(visitor, conversationId).map((m) => m.seq)).toEqual([2, 3]);
  }, 60_000);

  it('resumes a visitor whose node was killed on the other node, with what was sent meanwhile exactly once', async () => {
    const { a, b, proxy } = await cluster();
    // The visitor's socket comes in through the load balancer (its only connection there); the
    // agent is on the other node.
    const { token } = await visitorToken(a);
    const visitor = client(proxy, token);
    await visitor.hello();
    const [visitorPort, ...more] = [...proxy.connectionsByBackend().keys()];
    expect(more).toEqual([]);
    const visitorNode = visitorPort === a.port ? a : b;
    const agentNode = visitorNode === a ? b : a;
    const agent = client(agentNode, await adminToken(agentNode), true);
    await agent.hello();
    visitor.send({ type: 'chat.send', clientId: 'before-kill', text: 'Hello?' });
    const { conversationId, seq } = await visitor.next('chat.ack');
    await agent.next('conversation.updated', (f) => f.conversation.id === conversationId, 10_000);
    agent.send({ type: 'conversation.open', conversationId });
    await agent.next('conversation.detail');

    await visitorNode.kill();
    await visitor.closed;
    agent.send({ type: 'chat.send', conversationId, clientId: 'during-outage', text: 'Sorry, we were away' });
    const during = await agent.next('chat.ack', (f) => f.clientId === 'during-outage');

    // The widget reconnects through the load balancer and resumes from the last seq it holds.
    const again = client(proxy, token);
    const welcome = await again.hello({ resume: { [conversationId]: seq } });
    expect(welcome.type).toBe('welcome');
    await again.next('chat.messages', (f) => f.conversationId === conversationId, 10_000);
    expect(messagesOf(again, conversationId).map((m) => m.text)).toContain('Sorry, we were away');
    expect(timesSent(again, conversationId, during.seq)).toBe(1);
    // A message typed during the outage, sent again after it, is stored once.
    again.send({ type: 'chat.send', conversationId, clientId: 'typed-offline', text: 'Back now' });
    again.send({ type: 'chat.send', conversationId, clientId: 'typed-offline', text: 'Back now' });
    const acks = [await again.next('chat.ack'), await again.next('chat.ack')];
    expect(acks[0]!.seq).toBe(acks[1]!.seq);
    await agent.next('chat.message', (f) => f.message.clientId === 'typed-offline', 10_000);
    expect(timesSent(agent, conversationId, acks[0]!.seq)).toBe(1);
  }, 60_000);

  it('goes on sending while Redis is down and hands the other node’s clients what they missed once it is back', async () => {
    const { a, b } = await cluster();
    const { visitor, agent, conversationId } = await conversationAcross(a, b);

    await redis.kill();
    agent.send({ type: 'chat.send', conversationId, clientId: 'while-redis-down', text: 'Sent while the bus was down' });
    const ack = await agent.next('chat.ack', (f) => f.clientId === 'while-redis-down');
    expect(ack.seq).toBeGreaterThan(1);

    await redis.restart();
    // No client action: node A catches its visitor up from the store when its bus is back.
    await visitor.next('chat.message', (f) => f.message.clientId === "while-redis-down", 8_000);
    expect(timesSent(visitor, conversationId, ack.seq)).toBe(1);
  }, 90_000);
});
