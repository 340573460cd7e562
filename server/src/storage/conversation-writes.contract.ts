/**
 * The conditional-write part of the Storage contract, run by `describeStorageContract` against
 * every implementation: the invariants the broker relies on across relay nodes are held by the
 * store itself (a visitor has at most one open conversation; a write that expects a state is
 * refused when the state moved on), so they hold however many processes write at once.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newVisitor } from './records.js';
import { isStorageError } from './storage-error.js';
import type { Conversation, Storage, StorageChange, Visitor } from './storage.js';

/** Runs the conditional-write contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeConversationWriteContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: conditional conversation writes)`, () => {
    let storage: Storage;
    let siteId: string;

    beforeEach(async () => {
      storage = await makeStorage();
      await storage.migrate();
      siteId = randomUUID();
      await storage.createSite({ id: siteId, key: `key-${siteId}`, name: 'Shop', secret: 's', allowedOrigins: [], createdAt: 1 });
    });

    afterEach(async () => {
      await storage.close();
    });

    async function aVisitor(overrides: Partial<Visitor> = {}): Promise<Visitor> {
      return storage.createVisitor({ ...newVisitor(randomUUID(), siteId, 1_000), ...overrides });
    }

    function start(visitorId: string, createdAt = 1_000): Promise<Conversation> {
      return storage.createConversation({ id: randomUUID(), siteId, visitorId, createdAt });
    }

    async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
      try {
        await promise;
        return undefined;
      } catch (error) {
        return isStorageError(error) ? error.code : String(error);
      }
    }

    it('refuses a second open conversation of one visitor, and allows one again after resolving', async () => {
      const visitor = await aVisitor();
      const first = await start(visitor.id);
      expect(await codeOf(start(visitor.id))).toBe('conflict');
      await storage.updateConversation(first.id, { status: 'resolved', resolvedAt: 2_000 }, 2_000);
      const second = await start(visitor.id, 3_000);
      expect(second.status).toBe('open');
      expect((await storage.listConversations({ visitorId: visitor.id, status: 'open', limit: 10 })).map((c) => c.id)).toEqual([second.id]);
    });

    it('starts exactly one of many conversations started at once for one visitor', async () => {
      const visitor = await aVisitor();
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => start(visitor.id)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(isStorageError(result.reason, 'conflict')).toBe(true);
      }
      expect(await storage.listConversations({ visitorId: visitor.id, limit: 10 })).toHaveLength(1);
    });

    it('applies a write whose expectation holds, and refuses one whose expectation moved on, writing and reporting nothing', async () => {
      const conversation = await start((await aVisitor()).id);
      const taken = await storage.updateConversation(conversation.id, { assigneeId: 'agent-a' }, 2_000, { assigneeId: null, status: 'open' });
      expect(taken.assigneeId).toBe('agent-a');

      const changes: StorageChange[] = [];
      const stop = storage.watch((change) => changes.push(change));
      expect(await codeOf(storage.updateConversation(conversation.id, { assigneeId: 'agent-b' }, 3_000, { assigneeId: null }))).toBe('conflict');
      expect(await codeOf(storage.updateConversation(conversation.id, { status: 'resolved' }, 3_000, { status: 'resolved' }))).toBe('conflict');
      stop();
      expect(changes).toEqual([]);
      expect(await storage.getConversation(conversation.id)).toEqual(taken);

      const handedOver = await storage.updateConversation(conversation.id, { assigneeId: 'agent-b' }, 4_000, { assigneeId: 'agent-a' });
      expect(handedOver).toMatchObject({ assigneeId: 'agent-b', updatedAt: 4_000 });
    });

    it('gives a waiting conversation to exactly one of several agents taking it at once', async () => {
      const conversation = await start((await aVisitor()).id);
      const agents = Array.from({ length: 6 }, (_, i) => `agent-${i}`);
      const results = await Promise.allSettled(
        agents.map((agentId) => storage.updateConversation(conversation.id, { assigneeId: agentId }, 2_000, { assigneeId: null })),
      );
      const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.assigneeId] : []));
      expect(winners).toHaveLength(1);
      expect((await storage.getConversation(conversation.id))?.assigneeId).toBe(winners[0]);
    });

    it('refuses to reopen a conversation while the visitor has another open one', async () => {
      const visitor = await aVisitor();
      const old = await start(visitor.id);
      await storage.updateConversation(old.id, { status: 'resolved', resolvedAt: 2_000 }, 2_000);
      await start(visitor.id, 3_000);
      expect(await codeOf(storage.updateConversation(old.id, { status: 'open', resolvedAt: null }, 4_000))).toBe('conflict');
      expect((await storage.getConversation(old.id))?.status).toBe('resolved');
      // Reopening when it is the visitor's only one is fine; so is patching an open one.
      const alone = await aVisitor();
      const only = await start(alone.id);
      await storage.updateConversation(only.id, { status: 'resolved', resolvedAt: 2_000 }, 2_000);
      expect((await storage.updateConversation(only.id, { status: 'open', resolvedAt: null }, 5_000)).status).toBe('open');
      expect((await storage.updateConversation(only.id, { status: 'open', agentReadSeq: 0 }, 6_000)).status).toBe('open');
    });

    it('merging two visitors with an open conversation each keeps the one updated last open and resolves the other', async () => {
      const known = await aVisitor({ userId: 'u-1', verified: true });
      const label = await aVisitor();
      const older = await start(known.id, 1_000);
      const newer = await start(label.id, 5_000);
      const changes: StorageChange[] = [];
      const stop = storage.watch((change) => changes.push(change));
      await storage.mergeVisitor(label.id, known.id);
      stop();
      const open = await storage.listConversations({ visitorId: known.id, status: 'open', limit: 10 });
      expect(open.map((c) => c.id)).toEqual([newer.id]);
      expect(await storage.getConversation(older.id)).toMatchObject({ status: 'resolved', resolvedAt: 1_000, visitorId: known.id });
      expect(changes).toContainEqual({ kind: 'conversation', conversation: expect.objectContaining({ id: older.id, status: 'resolved' }) });
      expect(changes.at(-1)).toEqual({ kind: 'visitor-merged', fromId: label.id, intoId: known.id });
    });
  });
}
