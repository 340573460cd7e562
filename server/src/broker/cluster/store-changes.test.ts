import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bus } from '../../bus/bus.js';
import { MemoryBusHub } from '../../bus/memory-bus.js';
import { createAnonymousVisitor } from '../identity.js';
import { testStorage } from '../test-broker.js';
import { shareStoreChanges, STORE_CHANGES, type RemoteChange } from './store-changes.js';

const FAST = { heartbeatMs: 40, deadAfterMs: 400 };

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** Two nodes on one hub that know each other: `a` shares its store's changes, `b` records what it was told to forget. */
async function twoNodes() {
  const hub = new MemoryBusHub();
  const a = hub.connect('node-a', FAST);
  const b = hub.connect('node-b', FAST);
  cleanups.push(() => a.close(), () => b.close());
  await vi.waitFor(() => expect(a.nodes()).toHaveLength(2));
  const storage = await testStorage();
  const forgotten: RemoteChange[] = [];
  cleanups.push(shareStoreChanges(a, storage, []));
  cleanups.push(shareStoreChanges(b, await testStorage(), [{ forget: (change) => forgotten.push(change) }]));
  const messages: number[] = [];
  cleanups.push(b.onControl<RemoteChange[]>(STORE_CHANGES, ({ from, body }) => void (from === 'node-a' && messages.push(body.length))));
  return { a: a as Bus, storage, forgotten, messages };
}

describe('shareStoreChanges', () => {
  it('tells the other nodes of one turn’s changes in one bus message, each conversation once', async () => {
    const { storage, forgotten, messages } = await twoNodes();
    const visitor = await createAnonymousVisitor(storage, 'site1', 1);
    const other = await createAnonymousVisitor(storage, 'site1', 1);
    const first = await storage.createConversation({ id: 'c-1', siteId: 'site1', visitorId: visitor.id, createdAt: 2 });
    const second = await storage.createConversation({ id: 'c-2', siteId: 'site1', visitorId: other.id, createdAt: 2 });
    await vi.waitFor(() => expect(forgotten.filter((c) => c.kind === 'conversation')).toHaveLength(2));
    forgotten.length = 0;
    messages.length = 0;

    // Five writes in one turn: three to one conversation, one to another, one to a visitor.
    await Promise.all([
      storage.updateConversation(first.id, { agentReadSeq: 0 }, 3),
      storage.updateConversation(first.id, { assigneeId: 'agent1' }, 3),
      storage.updateConversation(second.id, { assigneeId: 'agent1' }, 3),
      storage.updateConversation(first.id, { visitorReadSeq: 0 }, 3),
      storage.updateVisitor(visitor.id, { name: 'Kim' }),
    ]);
    await vi.waitFor(() => expect(forgotten).toHaveLength(3));
    expect(forgotten).toEqual([
      { kind: 'conversation', id: 'c-1' },
      { kind: 'conversation', id: 'c-2' },
      { kind: 'visitor', id: visitor.id },
    ]);
    expect(messages).toEqual([3]);
  });
});
