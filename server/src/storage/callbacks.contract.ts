/**
 * The callback-request part of the Storage contract, run by `describeStorageContract` against
 * every implementation: storing with dedupe by the visitor's client id, status changes, lists
 * by visitor, conversation, status and time, and moving with a visitor merge.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Callback } from '@parley/protocol';
import { newVisitor } from './records.js';
import { isStorageError } from './storage-error.js';
import type { Conversation, NewCallback, Storage, Visitor } from './storage.js';

/** Runs the callback contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeCallbackContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: callbacks)`, () => {
    let storage: Storage;
    let visitor: Visitor;
    let conversation: Conversation;

    beforeEach(async () => {
      storage = await makeStorage();
      await storage.migrate();
      const site = await storage.createSite({ id: randomUUID(), key: randomUUID(), name: 'Shop', secret: 's', allowedOrigins: [], createdAt: 1 });
      visitor = await storage.createVisitor(newVisitor(randomUUID(), site.id, 1));
      conversation = await storage.createConversation({ id: randomUUID(), siteId: site.id, visitorId: visitor.id, createdAt: 1 });
    });

    afterEach(async () => {
      await storage.close();
    });

    function aCallback(overrides: Partial<NewCallback> = {}): NewCallback {
      return {
        id: randomUUID(),
        clientId: randomUUID(),
        conversationId: conversation.id,
        visitorId: visitor.id,
        phone: '+442071234567',
        window: { from: 10_000, to: 20_000 },
        note: 'After lunch, please',
        createdAt: 5_000,
        ...overrides,
      };
    }

    it('stores a request as requested, with nobody on it, and reads it back', async () => {
      const input = aCallback();
      const expected: Callback = {
        id: input.id,
        conversationId: conversation.id,
        visitorId: visitor.id,
        phone: '+442071234567',
        window: { from: 10_000, to: 20_000 },
        note: 'After lunch, please',
        status: 'requested',
        agentId: null,
        agentName: null,
        createdAt: 5_000,
        updatedAt: 5_000,
      };
      expect(await storage.createCallback(input)).toEqual({ callback: expected, duplicate: false });
      expect(await storage.getCallback(input.id)).toEqual(expected);
      expect(await storage.findCallbackByClientId(visitor.id, input.clientId)).toEqual(expected);
      expect(await storage.getCallback('nope')).toBeNull();
    });

    it('keeps a request without window or note', async () => {
      const input = aCallback({ window: null, note: null });
      const { callback } = await storage.createCallback(input);
      expect(callback).toMatchObject({ window: null, note: null });
      expect(await storage.getCallback(input.id)).toEqual(callback);
    });

    it('returns the first request with duplicate: true for a repeated client id and writes nothing', async () => {
      const first = await storage.createCallback(aCallback({ clientId: 'same-client-id' }));
      const again = await storage.createCallback(aCallback({ clientId: 'same-client-id', phone: '+821012345678' }));
      expect(again).toEqual({ callback: first.callback, duplicate: true });
      expect(await storage.listCallbacks({ visitorId: visitor.id, limit: 10 })).toEqual([first.callback]);
    });

    it('refuses a request of an unknown conversation', async () => {
      try {
        await storage.createCallback(aCallback({ conversationId: 'nope' }));
        expect.unreachable('the request was stored');
      } catch (error) {
        expect(isStorageError(error, 'not_found')).toBe(true);
      }
    });

    it('records a status change with the agent, moving updatedAt forward only', async () => {
      const { callback } = await storage.createCallback(aCallback());
      const claimed = await storage.updateCallback(callback.id, { status: 'claimed', agentId: 'a-1', agentName: 'Ann' }, 6_000);
      expect(claimed).toEqual({ ...callback, status: 'claimed', agentId: 'a-1', agentName: 'Ann', updatedAt: 6_000 });
      const done = await storage.updateCallback(callback.id, { status: 'done', agentId: 'a-2', agentName: 'Bo' }, 5_500);
      expect(done).toMatchObject({ status: 'done', agentId: 'a-2', agentName: 'Bo', updatedAt: 6_000 });
      expect(await storage.getCallback(callback.id)).toEqual(done);
      try {
        await storage.updateCallback('nope', { status: 'done', agentId: null, agentName: null }, 1);
        expect.unreachable('an unknown request was updated');
      } catch (error) {
        expect(isStorageError(error, 'not_found')).toBe(true);
      }
    });

    it('lists newest first by visitor, conversation, statuses and creation time, at most the limit', async () => {
      const a = (await storage.createCallback(aCallback({ createdAt: 1_000 }))).callback;
      const b = (await storage.createCallback(aCallback({ createdAt: 3_000 }))).callback;
      const c = (await storage.createCallback(aCallback({ createdAt: 2_000 }))).callback;
      const other = await storage.createVisitor(newVisitor(randomUUID(), conversation.siteId, 1));
      const otherConversation = await storage.createConversation({ id: randomUUID(), siteId: conversation.siteId, visitorId: other.id, createdAt: 1 });
      const d = (await storage.createCallback(aCallback({ visitorId: other.id, conversationId: otherConversation.id, createdAt: 4_000 }))).callback;
      await storage.updateCallback(c.id, { status: 'done', agentId: 'a-1', agentName: 'Ann' }, 2_500);
      const ids = (list: Callback[]) => list.map((x) => x.id);

      expect(ids(await storage.listCallbacks({ limit: 10 }))).toEqual([d.id, b.id, c.id, a.id]);
      expect(ids(await storage.listCallbacks({ limit: 2 }))).toEqual([d.id, b.id]);
      expect(ids(await storage.listCallbacks({ visitorId: visitor.id, limit: 10 }))).toEqual([b.id, c.id, a.id]);
      expect(ids(await storage.listCallbacks({ conversationId: otherConversation.id, limit: 10 }))).toEqual([d.id]);
      expect(ids(await storage.listCallbacks({ statuses: ['requested', 'claimed'], limit: 10 }))).toEqual([d.id, b.id, a.id]);
      expect(ids(await storage.listCallbacks({ statuses: [], limit: 10 }))).toEqual([]);
      expect(ids(await storage.listCallbacks({ visitorId: visitor.id, createdSince: 2_000, limit: 10 }))).toEqual([b.id, c.id]);
      expect(await storage.listCallbacks({ visitorId: 'nobody', limit: 10 })).toEqual([]);
    });

    it('lists only the requests of conversations of the sites named', async () => {
      const mine = (await storage.createCallback(aCallback({ createdAt: 1_000 }))).callback;
      const site = await storage.createSite({ id: randomUUID(), key: randomUUID(), name: 'Other', secret: 's', allowedOrigins: [], createdAt: 2 });
      const other = await storage.createVisitor(newVisitor(randomUUID(), site.id, 1));
      const otherConversation = await storage.createConversation({ id: randomUUID(), siteId: site.id, visitorId: other.id, createdAt: 1 });
      const theirs = (await storage.createCallback(aCallback({ visitorId: other.id, conversationId: otherConversation.id, createdAt: 2_000 }))).callback;
      const ids = (list: Callback[]) => list.map((x) => x.id);

      expect(ids(await storage.listCallbacks({ siteIds: [conversation.siteId], limit: 10 }))).toEqual([mine.id]);
      expect(ids(await storage.listCallbacks({ siteIds: [site.id], statuses: ['requested'], limit: 10 }))).toEqual([theirs.id]);
      expect(ids(await storage.listCallbacks({ siteIds: [site.id, conversation.siteId], limit: 10 }))).toEqual([theirs.id, mine.id]);
      expect(await storage.listCallbacks({ siteIds: [], limit: 10 })).toEqual([]);
    });

    it('lists requests made at the same time in the order they were made, newest first', async () => {
      const first = (await storage.createCallback(aCallback({ createdAt: 7_000 }))).callback;
      const second = (await storage.createCallback(aCallback({ createdAt: 7_000 }))).callback;
      expect((await storage.listCallbacks({ limit: 10 })).map((x) => x.id)).toEqual([second.id, first.id]);
    });

    it('moves requests with a visitor merge, so a retry from the merged visitor is still the same request', async () => {
      const known = await storage.createVisitor(newVisitor(randomUUID(), conversation.siteId, 1));
      const { callback } = await storage.createCallback(aCallback({ clientId: 'before-merge-1' }));
      await storage.mergeVisitor(visitor.id, known.id);
      const moved = { ...callback, visitorId: known.id };
      expect(await storage.getCallback(callback.id)).toEqual(moved);
      expect(await storage.listCallbacks({ visitorId: known.id, limit: 10 })).toEqual([moved]);
      expect(await storage.findCallbackByClientId(known.id, 'before-merge-1')).toEqual(moved);
      expect(await storage.findCallbackByClientId(visitor.id, 'before-merge-1')).toBeNull();
      const retry = await storage.createCallback(aCallback({ visitorId: known.id, clientId: 'before-merge-1' }));
      expect(retry).toEqual({ callback: moved, duplicate: true });
    });

    it('hands out copies that do not change the stored request', async () => {
      const { callback } = await storage.createCallback(aCallback());
      callback.window!.from = 0;
      callback.status = 'done';
      const [listed] = await storage.listCallbacks({ limit: 1 });
      listed!.phone = 'mutated';
      expect(await storage.getCallback(callback.id)).toMatchObject({ status: 'requested', phone: '+442071234567', window: { from: 10_000, to: 20_000 } });
    });
  });
}
