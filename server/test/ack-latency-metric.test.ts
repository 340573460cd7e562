/**
 * `parley_ack_latency_seconds` times what the sender feels: from its `chat.send` arriving to its
 * `chat.ack` leaving, not the fan-out that follows; `parley_fanout_seconds` times that fan-out.
 * The fan-out is held back by a store read the test controls (the assignee's name for the inbox
 * announcement of a reopened conversation, read after the ack), so the two moments are apart by
 * as long as the test likes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../src/storage/open-storage.js';
import { anAgent } from '../src/storage/contract-fixtures.js';
import type { Storage } from '../src/storage/storage.js';
import { scrape } from './metrics-scrape.js';
import { PAGE_ORIGIN, TestClient, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('ack and fan-out latency metrics', () => {
  let relay: TestRelay;
  let storage: Storage;
  /** While set, reading an agent waits for this promise. */
  let held: Promise<void> | null = null;

  beforeAll(async () => {
    const real = await openStorage({ kind: 'memory', dataDir: '', synchronous: 'normal' });
    storage = new Proxy(real, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const bound = (value as (...a: unknown[]) => unknown).bind(target);
        if (key !== 'getAgent') return bound;
        return async (...args: unknown[]) => {
          if (held) await held;
          return bound(...args);
        };
      },
    }) as Storage;
    relay = await startTestRelay({ storageInstance: storage, nodeId: 'ack-metrics' });
  });
  afterAll(() => relay.stop());

  it('observes the ack when it is sent, and the fan-out when it ends', async () => {
    const count = async (name: string): Promise<number> => (await scrape(relay.metricsUrl)).get(`${name}_count{node="ack-metrics"}`) ?? 0;
    const { token } = await visitorToken(relay);
    const visitor = new TestClient(relay, token, PAGE_ORIGIN);
    await visitor.hello();
    visitor.send({ type: 'chat.send', clientId: 'ack-metric-1', text: 'first' });
    const { conversationId } = await visitor.next('chat.ack');
    // Resolved, and assigned to an agent this relay has not read yet: the next send reopens it,
    // and the announcement of that, after the ack, reads the agent.
    const agent = await storage.createAgent(anAgent());
    await storage.updateConversation(conversationId, { assigneeId: agent.id, status: 'resolved', resolvedAt: Date.now() }, Date.now());

    const acksBefore = await count('parley_ack_latency_seconds');
    const fanOutsBefore = await count('parley_fanout_seconds');
    let release!: () => void;
    held = new Promise<void>((resolve) => (release = resolve));
    visitor.send({ type: 'chat.send', conversationId, clientId: 'ack-metric-2', text: 'second' });
    await visitor.next('chat.ack', (f) => f.clientId === 'ack-metric-2');
    // Acked, fan-out still held: the ack is counted, the fan-out not yet.
    expect(await count('parley_ack_latency_seconds')).toBe(acksBefore + 1);
    expect(await count('parley_fanout_seconds')).toBe(fanOutsBefore);

    release();
    held = null;
    // A ping behind the send on the same connection: its pong comes once the send is handled.
    visitor.send({ type: 'ping', t: 1 });
    await visitor.next('pong');
    expect(await count('parley_fanout_seconds')).toBe(fanOutsBefore + 1);
    expect(await count('parley_ack_latency_seconds')).toBe(acksBefore + 1);
    visitor.close();
  });
});
