import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ConversationStore } from './conversation-store.js';

function message(seq: number, conversationId = 'c1', id = `${conversationId}-m${seq}`): Message {
  return { id, conversationId, seq, clientId: `client-${id}`, author: 'agent', authorId: 'a1', text: `text ${seq}`, at: seq };
}

describe('ConversationStore', () => {
  it('orders messages by seq whatever order they arrive in', () => {
    const store = new ConversationStore();
    store.add([message(3), message(1), message(2)]);
    expect(store.list('c1').map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('keeps a message once when it arrives again by id or by seq', () => {
    const store = new ConversationStore();
    expect(store.add([message(1), message(2)])).toHaveLength(2);
    expect(store.add([message(2), message(1)])).toEqual([]);
    expect(store.add([message(2, 'c1', 'other-id')])).toEqual([]);
    expect(store.list('c1')).toHaveLength(2);
  });

  it('returns only the new messages, in seq order', () => {
    const store = new ConversationStore();
    store.add([message(1)]);
    expect(store.add([message(3), message(1), message(2)]).map((m) => m.seq)).toEqual([2, 3]);
  });

  it('reports no gap while seqs are contiguous', () => {
    const store = new ConversationStore();
    store.add([message(1), message(2)]);
    expect(store.contiguous('c1')).toBe(2);
    expect(store.missingAfter('c1')).toBeNull();
  });

  it('names where a resync must start when a seq is missing', () => {
    const store = new ConversationStore();
    store.add([message(1), message(2), message(5)]);
    expect(store.contiguous('c1')).toBe(2);
    expect(store.missingAfter('c1')).toBe(2);
    store.add([message(3), message(4)]);
    expect(store.missingAfter('c1')).toBeNull();
    expect(store.contiguous('c1')).toBe(5);
  });

  it('sees a gap when the relay knows of later messages than the store holds', () => {
    const store = new ConversationStore();
    store.add([message(1)]);
    expect(store.missingAfter('c1', 4)).toBe(1);
    expect(store.missingAfter('c1', 1)).toBeNull();
  });

  it('keeps conversations apart', () => {
    const store = new ConversationStore();
    store.add([message(1, 'c1'), message(1, 'c2'), message(2, 'c2')]);
    expect(store.list('c1')).toHaveLength(1);
    expect(store.max('c2')).toBe(2);
    expect(store.has('c3')).toBe(false);
    store.touch('c3');
    expect(store.has('c3')).toBe(true);
  });

  it('forgets everything on clear', () => {
    const store = new ConversationStore();
    store.add([message(1)]);
    store.clear();
    expect(store.list('c1')).toEqual([]);
    expect(store.add([message(1)])).toHaveLength(1);
  });
});
