/**
 * Two relays sharing one store and one bus deliver each other's frames: a visitor's two tabs on
 * different relays, and an agent on one answering a visitor on the other. Run on the in-process
 * hub (how broker tests run several nodes in one process) and on a real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../src/bus/bus.js';
import { MemoryBusHub } from '../src/bus/memory-bus.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken } from './relay-harness.js';
import { startRedis, type RedisServer } from './servers/redis.js';

const RELAY_SECRET = 'relays-on-one-bus-test-secret-0123456789';

/** What a relay is started with to join the shared bus as node `nodeId`. */
type Joining = (nodeId: string) => Promise<{ bus: Bus } | { redisUrl: string; nodeId: string }>;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

const buses: [string, () => Joining][] = [
  [
    'a MemoryBusHub',
    () => {
      const hub = new MemoryBusHub();
      return async (nodeId) => ({ bus: hub.connect(nodeId) });
    },
  ],
  ['Redis', () => async (nodeId) => ({ redisUrl: redis.url, nodeId })],
];

describe.each(buses)('two relays on %s', (_name, makeJoining) => {
  it('deliver a visitor message to its tab on the other relay, and the agent reply back', async () => {
    const join = makeJoining();
    const storage = new MemoryStorage();
    await storage.migrate();
    const common = { storageInstance: storage, secret: RELAY_SECRET, redisPrefix: `relays-${Date.now()}:` };
    const a = await startTestRelay({ ...common, ...(await join('relay-a')) });
    const b = await startTestRelay({ ...common, ...(await join('relay-b')) });
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
});
