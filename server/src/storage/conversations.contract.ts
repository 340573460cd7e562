/**
 * Part of the Storage contract, run by `describeStorageContract` against every implementation:
 * Conversations and their messages: seq, dedupe, durability and listing.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Author } from '@parley/protocol';
import { isStorageError } from './storage-error.js';
import type { Conversation, Storage } from './storage.js';
import { aConversation, aMessage, anAgent, aSite, aVisitor, rejectionCode, siteWithVisitor, useContractStore } from './contract-fixtures.js';

/** Runs this part of the contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeConversationContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: conversations)`, () => {
    let storage: Storage;
    useContractStore(makeStorage, (store) => (storage = store));

    describe('conversations', () => {
      it('starts open, unassigned, empty and unread', async () => {
        const { site, visitor } = await siteWithVisitor(storage);
        const conversation = await storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: visitor.id, createdAt: 5_000 });
        const expected: Conversation = {
          id: 'c-1',
          siteId: site.id,
          visitorId: visitor.id,
          status: 'open',
          assigneeId: null,
          createdAt: 5_000,
          updatedAt: 5_000,
          resolvedAt: null,
          lastSeq: 0,
          lastMessage: null,
          firstResponseAt: null,
          visitorReadSeq: 0,
          agentReadSeq: 0,
        };
        expect(conversation).toEqual(expected);
        expect(await storage.getConversation('c-1')).toEqual(expected);
        expect(await storage.getConversation('nope')).toBeNull();
      });

      it('refuses a conversation of an unknown site or visitor, or with a taken id', async () => {
        const { site, visitor } = await siteWithVisitor(storage);
        expect(await rejectionCode(storage.createConversation({ id: 'c-1', siteId: 'nope', visitorId: visitor.id, createdAt: 1 }))).toBe('not_found');
        expect(await rejectionCode(storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: 'nope', createdAt: 1 }))).toBe('not_found');
        await storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: visitor.id, createdAt: 1 });
        expect(await rejectionCode(storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: visitor.id, createdAt: 1 }))).toBe('conflict');
      });

      it('applies a patch and moves updatedAt forward, never back', async () => {
        const agent = await storage.createAgent(anAgent());
        const conversation = await aConversation(storage, { createdAt: 1_000 });
        const assigned = await storage.updateConversation(conversation.id, { assigneeId: agent.id }, 2_000);
        expect(assigned).toEqual({ ...conversation, assigneeId: agent.id, updatedAt: 2_000 });
        const resolved = await storage.updateConversation(conversation.id, { status: 'resolved', resolvedAt: 3_000 }, 3_000);
        expect(resolved).toEqual({ ...assigned, status: 'resolved', resolvedAt: 3_000, updatedAt: 3_000 });
        const reopened = await storage.updateConversation(conversation.id, { status: 'open', resolvedAt: null, assigneeId: null }, 2_500);
        expect(reopened).toEqual({ ...resolved, status: 'open', resolvedAt: null, assigneeId: null, updatedAt: 3_000 });
        expect(await storage.getConversation(conversation.id)).toEqual(reopened);
      });

      it('records read seqs of each side', async () => {
        const conversation = await aConversation(storage);
        for (let i = 0; i < 3; i += 1) await storage.appendMessage(aMessage(conversation.id));
        await storage.updateConversation(conversation.id, { visitorReadSeq: 3 }, 4_000);
        const updated = await storage.updateConversation(conversation.id, { agentReadSeq: 2 }, 4_000);
        expect(updated.visitorReadSeq).toBe(3);
        expect(updated.agentReadSeq).toBe(2);
        expect(await storage.getConversation(conversation.id)).toMatchObject({ visitorReadSeq: 3, agentReadSeq: 2, lastSeq: 3 });
      });

      it('refuses to update an unknown conversation', async () => {
        expect(await rejectionCode(storage.updateConversation('nope', { status: 'resolved' }, 1))).toBe('not_found');
      });

      describe('listConversations', () => {
        /**
         * Two sites, five visitors, two agents and six conversations with known times. A visitor
         * has one open conversation at most, so `va2`'s first one (a3) is resolved before a4.
         */
        async function inbox() {
          const siteA = await storage.createSite(aSite());
          const siteB = await storage.createSite(aSite());
          const ana = await storage.createAgent(anAgent());
          const bo = await storage.createAgent(anAgent());
          const va1 = await storage.createVisitor(aVisitor(siteA.id));
          const va2 = await storage.createVisitor(aVisitor(siteA.id));
          const va3 = await storage.createVisitor(aVisitor(siteA.id));
          const vb = await storage.createVisitor(aVisitor(siteB.id));
          const vb2 = await storage.createVisitor(aVisitor(siteB.id));
          const make = async (id: string, siteId: string, visitorId: string, at: number) =>
            storage.createConversation({ id, siteId, visitorId, createdAt: at });
          await make('a1', siteA.id, va1.id, 100);
          await make('a2', siteA.id, va3.id, 200);
          await make('a3', siteA.id, va2.id, 300);
          await storage.updateConversation('a3', { status: 'resolved', resolvedAt: 600, assigneeId: bo.id }, 600);
          await make('a4', siteA.id, va2.id, 400);
          await make('b1', siteB.id, vb.id, 250);
          await make('b2', siteB.id, vb2.id, 350);
          await storage.updateConversation('a2', { assigneeId: ana.id }, 500);
          await storage.updateConversation('b1', { assigneeId: ana.id }, 450);
          return { siteA, siteB, ana, bo, va1, va2, vb };
        }

        const ids = (conversations: Conversation[]) => conversations.map((c) => c.id);

        it('lists newest updatedAt first, at most the limit', async () => {
          await inbox();
          expect(ids(await storage.listConversations({ limit: 10 }))).toEqual(['a3', 'a2', 'b1', 'a4', 'b2', 'a1']);
          expect(ids(await storage.listConversations({ limit: 2 }))).toEqual(['a3', 'a2']);
          expect(await storage.listConversations({ limit: 0 })).toEqual([]);
        });

        it('filters by sites', async () => {
          const { siteA, siteB } = await inbox();
          expect(ids(await storage.listConversations({ siteIds: [siteB.id], limit: 10 }))).toEqual(['b1', 'b2']);
          expect(ids(await storage.listConversations({ siteIds: [siteA.id, siteB.id], limit: 3 }))).toEqual(['a3', 'a2', 'b1']);
          expect(await storage.listConversations({ siteIds: [], limit: 10 })).toEqual([]);
        });

        it('filters by visitor', async () => {
          const { va1, va2, vb } = await inbox();
          expect(ids(await storage.listConversations({ visitorId: va2.id, limit: 10 }))).toEqual(['a3', 'a4']);
          expect(ids(await storage.listConversations({ visitorId: va1.id, limit: 10 }))).toEqual(['a1']);
          expect(ids(await storage.listConversations({ visitorId: vb.id, limit: 10 }))).toEqual(['b1']);
        });

        it('filters by status', async () => {
          await inbox();
          expect(ids(await storage.listConversations({ status: 'resolved', limit: 10 }))).toEqual(['a3']);
          expect(ids(await storage.listConversations({ status: 'open', limit: 10 }))).toEqual(['a2', 'b1', 'a4', 'b2', 'a1']);
        });

        it('tells unassigned (null) from one agent apart from no assignee filter', async () => {
          const { siteA, ana } = await inbox();
          expect(ids(await storage.listConversations({ assigneeId: null, limit: 10 }))).toEqual(['a4', 'b2', 'a1']);
          expect(ids(await storage.listConversations({ assigneeId: ana.id, limit: 10 }))).toEqual(['a2', 'b1']);
          expect(ids(await storage.listConversations({ siteIds: [siteA.id], status: 'open', assigneeId: null, limit: 10 }))).toEqual(['a4', 'a1']);
          expect(ids(await storage.listConversations({ siteIds: [siteA.id], status: 'open', assigneeId: ana.id, limit: 10 }))).toEqual(['a2']);
        });

        it('pages with before, strictly older than the given time', async () => {
          await inbox();
          expect(ids(await storage.listConversations({ before: 450, limit: 10 }))).toEqual(['a4', 'b2', 'a1']);
          expect(ids(await storage.listConversations({ before: 400, status: 'open', limit: 1 }))).toEqual(['b2']);
        });

        it('lists only what changed strictly after a time with updatedAfter, alone or with before', async () => {
          const { siteB } = await inbox();
          expect(ids(await storage.listConversations({ updatedAfter: 400, limit: 10 }))).toEqual(['a3', 'a2', 'b1']);
          expect(ids(await storage.listConversations({ updatedAfter: 350, before: 500, limit: 10 }))).toEqual(['b1', 'a4']);
          expect(ids(await storage.listConversations({ updatedAfter: 200, siteIds: [siteB.id], limit: 10 }))).toEqual(['b1', 'b2']);
          expect(await storage.listConversations({ updatedAfter: 600, limit: 10 })).toEqual([]);
        });

        it('merges open and resolved conversations into one order', async () => {
          await inbox();
          await storage.updateConversation('b2', { status: 'resolved', resolvedAt: 420 }, 420);
          expect(ids(await storage.listConversations({ limit: 4 }))).toEqual(['a3', 'a2', 'b1', 'b2']);
          expect(ids(await storage.listConversations({ before: 500, limit: 3 }))).toEqual(['b1', 'b2', 'a4']);
          expect(ids(await storage.listConversations({ updatedAfter: 410, before: 600, limit: 10 }))).toEqual(['a2', 'b1', 'b2']);
        });

        it('orders by the time of the newest message', async () => {
          const { va2 } = await inbox();
          await storage.appendMessage(aMessage('a4', { at: 900 }));
          expect(ids(await storage.listConversations({ visitorId: va2.id, limit: 10 }))).toEqual(['a4', 'a3']);
        });
      });
    });

    describe('appendMessage', () => {
      it('assigns seqs 1..n in each conversation on its own', async () => {
        const first = await aConversation(storage);
        const second = await aConversation(storage);
        const seqs: number[] = [];
        for (let i = 0; i < 3; i += 1) seqs.push((await storage.appendMessage(aMessage(first.id))).message.seq);
        seqs.push((await storage.appendMessage(aMessage(second.id))).message.seq);
        expect(seqs).toEqual([1, 2, 3, 1]);
      });

      it('returns the stored message and updates the conversation summary', async () => {
        const conversation = await aConversation(storage, { createdAt: 1_000 });
        const input = aMessage(conversation.id, { text: 'Where is my order?', authorName: 'Kim', at: 2_500 });
        const result = await storage.appendMessage(input);
        expect(result).toEqual({
          duplicate: false,
          message: {
            id: input.id,
            conversationId: conversation.id,
            seq: 1,
            clientId: input.clientId,
            author: 'visitor',
            authorId: input.authorId,
            authorName: 'Kim',
            text: 'Where is my order?',
            at: 2_500,
          },
        });
        expect(await storage.getConversation(conversation.id)).toEqual({
          ...conversation,
          lastSeq: 1,
          lastMessage: { text: 'Where is my order?', author: 'visitor', at: 2_500 },
          updatedAt: 2_500,
        });
      });

      it('leaves authorName out when none was given', async () => {
        const conversation = await aConversation(storage);
        const { message } = await storage.appendMessage(aMessage(conversation.id));
        expect('authorName' in message).toBe(false);
        const [listed] = await storage.listMessages(conversation.id, 0, 1);
        expect(listed && 'authorName' in listed).toBe(false);
      });

      it('sets firstResponseAt on the first agent message only', async () => {
        const conversation = await aConversation(storage);
        const reply = (author: Author, at: number) => storage.appendMessage(aMessage(conversation.id, { author, authorId: author === 'system' ? '' : `${author}-1`, at }));
        await reply('visitor', 2_000);
        await reply('system', 2_500);
        expect((await storage.getConversation(conversation.id))?.firstResponseAt).toBeNull();
        await reply('agent', 3_000);
        await reply('agent', 4_000);
        expect((await storage.getConversation(conversation.id))?.firstResponseAt).toBe(3_000);
      });

      it('returns the first message with duplicate: true for a repeated (authorId, clientId) and writes nothing', async () => {
        const conversation = await aConversation(storage);
        const input = aMessage(conversation.id, { at: 2_000 });
        const first = await storage.appendMessage(input);
        const before = await storage.getConversation(conversation.id);
        const retry = await storage.appendMessage({ ...input, id: randomUUID(), text: 'changed', at: 9_000 });
        expect(retry).toEqual({ message: first.message, duplicate: true });
        expect(await storage.getConversation(conversation.id)).toEqual(before);
        expect(await storage.listMessages(conversation.id, 0, 10)).toEqual([first.message]);
      });

      it('finds a repeated clientId even when the retry names another conversation', async () => {
        const conversation = await aConversation(storage);
        const other = await aConversation(storage);
        const input = aMessage(conversation.id);
        const first = await storage.appendMessage(input);
        const retry = await storage.appendMessage({ ...input, conversationId: other.id });
        expect(retry).toEqual({ message: first.message, duplicate: true });
        expect(await storage.listMessages(other.id, 0, 10)).toEqual([]);
      });

      it('treats the same clientId from another author as a new message', async () => {
        const conversation = await aConversation(storage);
        const first = await storage.appendMessage(aMessage(conversation.id, { clientId: 'same', authorId: 'visitor-1' }));
        const second = await storage.appendMessage(aMessage(conversation.id, { clientId: 'same', author: 'agent', authorId: 'agent-1' }));
        expect(second.duplicate).toBe(false);
        expect(second.message.seq).toBe(first.message.seq + 1);
      });

      it('refuses a message to an unknown conversation', async () => {
        expect(await rejectionCode(storage.appendMessage(aMessage('nope')))).toBe('not_found');
      });

      it('gives gap-free unique seqs to 200 concurrent appends across 5 conversations', async () => {
        const conversations = await Promise.all(Array.from({ length: 5 }, () => aConversation(storage)));
        const inputs = Array.from({ length: 200 }, (_, i) => aMessage(conversations[i % 5]!.id, { text: `m${i}`, at: 2_000 + i }));
        const results = await Promise.all(inputs.map((input) => storage.appendMessage(input)));
        expect(results.every((result) => !result.duplicate)).toBe(true);
        for (const conversation of conversations) {
          const seqs = results.filter((r) => r.message.conversationId === conversation.id).map((r) => r.message.seq);
          expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
          const stored = await storage.listMessages(conversation.id, 0, 100);
          expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
          expect((await storage.getConversation(conversation.id))?.lastSeq).toBe(40);
        }
      });

      it('refuses one bad message among concurrent appends without disturbing the others', async () => {
        const conversation = await aConversation(storage);
        const results = await Promise.allSettled([
          storage.appendMessage(aMessage(conversation.id)),
          storage.appendMessage(aMessage('nope')),
          storage.appendMessage(aMessage(conversation.id)),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const refused = results[1];
        expect(refused?.status === 'rejected' && isStorageError(refused.reason, 'not_found')).toBe(true);
        expect((await storage.listMessages(conversation.id, 0, 10)).map((m) => m.seq)).toEqual([1, 2]);
      });

      it('is seen by every call made after it resolves', async () => {
        const conversation = await aConversation(storage);
        const appended = storage.appendMessage(aMessage(conversation.id, { text: 'first' }));
        await appended;
        const [listed] = await storage.listMessages(conversation.id, 0, 10);
        const summary = await storage.getConversation(conversation.id);
        const inbox = await storage.listConversations({ visitorId: conversation.visitorId, limit: 1 });
        expect(listed).toEqual((await appended).message);
        expect(summary?.lastSeq).toBe(1);
        expect(inbox[0]?.lastSeq).toBe(1);
      });

      it('stores one message when the same send is retried concurrently', async () => {
        const conversation = await aConversation(storage);
        const input = aMessage(conversation.id);
        const results = await Promise.all(Array.from({ length: 10 }, () => storage.appendMessage(input)));
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(new Set(results.map((r) => r.message.seq))).toEqual(new Set([1]));
        expect(await storage.listMessages(conversation.id, 0, 10)).toHaveLength(1);
      });
    });

    describe('findMessageByClientId', () => {
      it('finds a message by its author and client id', async () => {
        const conversation = await aConversation(storage);
        const { message } = await storage.appendMessage(aMessage(conversation.id, { clientId: 'c-1', authorId: 'v-1' }));
        expect(await storage.findMessageByClientId('v-1', 'c-1')).toEqual(message);
        expect(await storage.findMessageByClientId('v-2', 'c-1')).toBeNull();
        expect(await storage.findMessageByClientId('v-1', 'c-2')).toBeNull();
      });
    });

    describe('listMessages', () => {
      it('returns messages after a seq, oldest first, at most the limit', async () => {
        const conversation = await aConversation(storage);
        const appended = [];
        for (let i = 0; i < 5; i += 1) appended.push((await storage.appendMessage(aMessage(conversation.id, { text: `m${i}` }))).message);
        expect(await storage.listMessages(conversation.id, 0, 10)).toEqual(appended);
        expect(await storage.listMessages(conversation.id, 2, 2)).toEqual(appended.slice(2, 4));
        expect(await storage.listMessages(conversation.id, 5, 10)).toEqual([]);
        expect(await storage.listMessages(conversation.id, 0, 0)).toEqual([]);
        expect(await storage.listMessages('nope', 0, 10)).toEqual([]);
      });

      it('keeps the last message a person wrote as the last message, past system lines', async () => {
        const conversation = await aConversation(storage);
        // Before anyone wrote, a system line is the best there is.
        await storage.appendMessage(aMessage(conversation.id, { text: 'The visitor asked to be called back', author: 'system', authorId: '', at: 1_500 }));
        expect((await storage.getConversation(conversation.id))?.lastMessage).toEqual({ text: 'The visitor asked to be called back', author: 'system', at: 1_500 });
        await storage.appendMessage(aMessage(conversation.id, { text: 'Where is my order?', author: 'visitor', at: 2_000 }));
        await storage.appendMessage(aMessage(conversation.id, { text: 'Ann resolved the conversation', author: 'system', authorId: '', at: 3_000 }));
        const after = await storage.getConversation(conversation.id);
        expect(after).toMatchObject({ lastSeq: 3, updatedAt: 3_000, lastMessage: { text: 'Where is my order?', author: 'visitor', at: 2_000 } });
        const [listed] = await storage.listConversations({ visitorId: conversation.visitorId, limit: 5 });
        expect(listed?.lastMessage).toEqual({ text: 'Where is my order?', author: 'visitor', at: 2_000 });
        await storage.appendMessage(aMessage(conversation.id, { text: 'It ships today.', author: 'agent', authorId: 'a-1', at: 4_000 }));
        expect((await storage.getConversation(conversation.id))?.lastMessage).toEqual({ text: 'It ships today.', author: 'agent', at: 4_000 });
      });

      it('hands out copies that do not change the stored messages', async () => {
        const conversation = await aConversation(storage);
        const { message } = await storage.appendMessage(aMessage(conversation.id, { text: 'original' }));
        message.text = 'mutated';
        const [listed] = await storage.listMessages(conversation.id, 0, 1);
        if (listed) listed.text = 'mutated too';
        expect((await storage.listMessages(conversation.id, 0, 1))[0]?.text).toBe('original');
        expect((await storage.getConversation(conversation.id))?.lastMessage?.text).toBe('original');
      });
    });
  });
}
