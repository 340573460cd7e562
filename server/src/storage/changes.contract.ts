/**
 * Part of the Storage contract, run by `describeStorageContract` against every implementation:
 * The change feed (`watch`) the broker's caches follow.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Storage, StorageChange } from './storage.js';
import { aConversation, aMessage, aVisitor, rejectionCode, siteWithVisitor, useContractStore } from './contract-fixtures.js';

/** Runs this part of the contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeChangeContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: changes)`, () => {
    let storage: Storage;
    useContractStore(makeStorage, (store) => (storage = store));

    describe('watch', () => {
      /** Collects what the store reports until the returned stop function is called. */
      function watchChanges(): { changes: StorageChange[]; stop: () => void } {
        const changes: StorageChange[] = [];
        const stop = storage.watch((change) => changes.push(change));
        return { changes, stop };
      }

      it('reports each conversation state after a create, a patch and an append, before the write resolves', async () => {
        const { site, visitor } = await siteWithVisitor(storage);
        const { changes } = watchChanges();
        const seen: number[] = [];
        storage.watch(() => seen.push(changes.length));
        const created = await storage.createConversation({ id: randomUUID(), siteId: site.id, visitorId: visitor.id, createdAt: 1_000 });
        const updated = await storage.updateConversation(created.id, { status: 'resolved', resolvedAt: 1_500 }, 1_500);
        const pending = storage.appendMessage(aMessage(created.id, { text: 'after resolve', at: 2_000 }));
        await pending;
        expect(changes).toEqual([
          { kind: 'conversation', conversation: created },
          { kind: 'conversation', conversation: updated },
          { kind: 'conversation', conversation: await storage.getConversation(created.id) },
        ]);
        expect(changes[2]).toMatchObject({ conversation: { lastSeq: 1, lastMessage: { text: 'after resolve' } } });
        expect(seen).toEqual([1, 2, 3]);
      });

      it('reports nothing for a deduplicated append or a refused write', async () => {
        const conversation = await aConversation(storage);
        const input = aMessage(conversation.id);
        await storage.appendMessage(input);
        const { changes } = watchChanges();
        expect((await storage.appendMessage(input)).duplicate).toBe(true);
        await rejectionCode(storage.appendMessage(aMessage('no-such-conversation')));
        await rejectionCode(storage.updateConversation('no-such-conversation', { status: 'resolved' }, 3_000));
        expect(changes).toEqual([]);
      });

      it('reports visitors created and updated, and a merge once it is done', async () => {
        const { site, visitor } = await siteWithVisitor(storage);
        const known = aVisitor(site.id, { userId: 'u-1', verified: true });
        const { changes } = watchChanges();
        const created = await storage.createVisitor(known);
        const renamed = await storage.updateVisitor(visitor.id, { name: 'Kim' });
        await storage.mergeVisitor(visitor.id, known.id);
        await storage.mergeVisitor(visitor.id, known.id);
        expect(changes).toEqual([
          { kind: 'visitor', visitor: created },
          { kind: 'visitor', visitor: renamed },
          { kind: 'visitor-merged', fromId: visitor.id, intoId: known.id },
        ]);
      });

      it('hands listeners copies, and stops calling a listener once it unwatches', async () => {
        const conversation = await aConversation(storage);
        const { changes, stop } = watchChanges();
        await storage.updateConversation(conversation.id, { assigneeId: 'agent-1' }, 2_000);
        const [reported] = changes;
        if (reported?.kind === 'conversation') reported.conversation.assigneeId = 'mutated';
        expect((await storage.getConversation(conversation.id))?.assigneeId).toBe('agent-1');
        stop();
        await storage.updateConversation(conversation.id, { assigneeId: null }, 3_000);
        expect(changes).toHaveLength(1);
      });
    });
  });
}
