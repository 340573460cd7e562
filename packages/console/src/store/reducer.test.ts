import { describe, expect, it } from 'vitest';
import { PREVIEW_LENGTH, type ServerFrame, type TrackedEvent } from '@parley/protocol';
import { cobrowseStatus, conversation, conversationDetail, ME, message, visitor, welcome } from '../test-support/fixtures.js';
import { CONTEXT_LIMIT, mergeMessages, reduce, TYPING_TTL_MS, type ConsoleAction } from './reducer.js';
import { initialState, type ConsoleState, type PendingMessage } from './state.js';

const frame = (f: ServerFrame, now = 10_000): ConsoleAction => ({ kind: 'frame', frame: f, now });

function run(state: ConsoleState, ...actions: ConsoleAction[]): ConsoleState {
  return actions.reduce(reduce, state);
}

function pending(overrides: Partial<PendingMessage> = {}): PendingMessage {
  return { clientId: 'reply-0001', conversationId: 'c1', text: 'Hi there', createdAt: 5, status: 'sending', ...overrides };
}

const opened = (): ConsoleState =>
  run(
    initialState(),
    frame(welcome([conversation()])),
    frame({ type: 'chat.messages', conversationId: 'c1', messages: [message(1)], complete: true }),
  );

describe('reduce', () => {
  it('takes the agent, the open conversations and the online state from welcome', () => {
    const s = run(initialState(), frame(welcome([conversation(), conversation({ id: 'c2' })])));
    expect(s.me).toEqual(ME);
    expect(s.connection).toBe('online');
    expect(Object.keys(s.conversations).sort()).toEqual(['c1', 'c2']);
  });

  it('drops open conversations a later welcome no longer lists but keeps closed ones', () => {
    const first = run(
      initialState(),
      frame(welcome([conversation(), conversation({ id: 'c2' })])),
      frame({ type: 'inbox.items', view: 'resolved', conversations: [conversation({ id: 'c3', status: 'resolved' })] }),
    );
    const s = run(first, frame(welcome([conversation({ id: 'c2' })])));
    expect(Object.keys(s.conversations).sort()).toEqual(['c2', 'c3']);
  });

  it('moves an acked reply from the outbox into the messages with the relay seq', () => {
    const s = run(
      opened(),
      { kind: 'send', message: pending() },
      frame({ type: 'chat.ack', clientId: 'reply-0001', conversationId: 'c1', messageId: 'm2', seq: 2, at: 4_000 }),
    );
    expect(s.outbox).toEqual([]);
    expect(s.messages.c1!.map((m) => [m.seq, m.text, m.author, m.authorId])).toEqual([
      [1, 'message 1', 'visitor', 'v1abcdef'],
      [2, 'Hi there', 'agent', ME.id],
    ]);
    expect(s.conversations.c1!.lastMessage).toEqual({ text: 'Hi there', author: 'agent', at: 4_000 });
  });

  it('shows a message once when the ack and its echo both arrive', () => {
    const echo = message(2, { author: 'agent', authorId: ME.id, clientId: 'reply-0001', text: 'Hi there' });
    const s = run(
      opened(),
      { kind: 'send', message: pending() },
      frame({ type: 'chat.message', message: echo }),
      frame({ type: 'chat.ack', clientId: 'reply-0001', conversationId: 'c1', messageId: 'm2', seq: 2, at: 4_000 }),
    );
    expect(s.messages.c1!.map((m) => m.seq)).toEqual([1, 2]);
    expect(s.outbox).toEqual([]);
  });

  it('ignores replayed messages it already holds and keeps seq order', () => {
    const s = run(
      opened(),
      frame({ type: 'chat.message', message: message(3) }),
      frame({ type: 'chat.messages', conversationId: 'c1', messages: [message(1), message(2), message(3)], complete: true }),
    );
    expect(s.messages.c1!.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('does not start a history for a conversation that was never opened', () => {
    const s = run(initialState(), frame(welcome([conversation()])), frame({ type: 'chat.message', message: message(2) }));
    expect(s.messages.c1).toBeUndefined();
    expect(s.conversations.c1!.lastMessage?.text).toBe('message 2');
    expect(s.conversations.c1!.lastSeq).toBe(2);
  });

  it('previews a long message in the inbox and keeps it whole in the history', () => {
    const long = 'word '.repeat(800).trim();
    const s = run(opened(), frame({ type: 'chat.message', message: message(2, { text: long }) }));
    expect(s.messages.c1!.at(-1)!.text).toBe(long);
    expect(s.conversations.c1!.lastMessage!.text).toHaveLength(PREVIEW_LENGTH);
    expect(s.conversations.c1!.lastMessage!.text.endsWith('word…')).toBe(true);
  });

  it('marks replies in flight as failed when the connection drops and as sending after the next welcome', () => {
    const dropped = run(opened(), { kind: 'send', message: pending() }, { kind: 'connection', status: 'reconnecting' });
    expect(dropped.outbox[0]!.status).toBe('failed');
    const back = run(dropped, frame(welcome([conversation()])));
    expect(back.outbox[0]!.status).toBe('sending');
  });

  it('fails a reply for good on a refusal and only retries it when asked', () => {
    const refused = run(
      opened(),
      { kind: 'send', message: pending() },
      frame({ type: 'error', code: 'text_too_long', message: 'Too long', ref: 'reply-0001' }),
    );
    expect(refused.outbox[0]).toMatchObject({ status: 'failed', permanent: true, error: 'Too long' });
    expect(run(refused, frame(welcome([conversation()]))).outbox[0]!.status).toBe('failed');
    expect(run(refused, { kind: 'retry', clientId: 'reply-0001' }).outbox[0]).toMatchObject({ status: 'sending', permanent: false });
    expect(run(refused, { kind: 'discard', clientId: 'reply-0001' }).outbox).toEqual([]);
  });

  it('keeps a reply refused for now (rate limited, the store unreachable) retryable', () => {
    for (const code of ['rate_limited', 'unavailable'] as const) {
      const s = run(opened(), { kind: 'send', message: pending() }, frame({ type: 'error', code, message: 'Not now', ref: 'reply-0001' }));
      expect(s.outbox[0], code).toMatchObject({ status: 'failed', permanent: false });
    }
  });

  it('shows an error that is not about a reply as a notice', () => {
    const s = run(opened(), frame({ type: 'error', code: 'forbidden', message: 'Not yours', ref: 'conversation.assign' }));
    expect(s.notice).toBe('Not yours');
    expect(run(s, { kind: 'dismiss-notice' }).notice).toBeNull();
  });

  it('raises no notice for the error that comes before a restart close (the console reconnects by itself)', () => {
    for (const code of ['draining', 'shutting_down'] as const) {
      expect(run(opened(), frame({ type: 'error', code, message: 'Restarting' })).notice, code).toBeNull();
    }
  });

  it('shows visitor typing until it stops, expires or a visitor message arrives', () => {
    const typing = run(opened(), frame({ type: 'chat.typing', conversationId: 'c1', typing: true, from: 'visitor' }, 100));
    expect(typing.typing.c1).toBe(100 + TYPING_TTL_MS);
    expect(run(typing, frame({ type: 'chat.typing', conversationId: 'c1', typing: false, from: 'visitor' })).typing.c1).toBeUndefined();
    expect(run(typing, frame({ type: 'chat.message', message: message(2) })).typing.c1).toBeUndefined();
  });

  it('ignores typing frames of other agents', () => {
    const s = run(opened(), frame({ type: 'chat.typing', conversationId: 'c1', typing: true, from: 'agent' }));
    expect(s.typing).toEqual({});
  });

  it('replaces a conversation on conversation.updated', () => {
    const s = run(opened(), frame({ type: 'conversation.updated', conversation: conversation({ assigneeId: ME.id, updatedAt: 3_000 }) }));
    expect(s.conversations.c1!.assigneeId).toBe(ME.id);
  });

  it('ignores a frame it does not know (a newer relay’s) and keeps the state as it is', () => {
    const before = run(opened(), frame(welcome([conversation()])));
    const s = run(before, frame({ type: 'inbox.someday', conversations: [] } as unknown as ServerFrame));
    expect(s).toBe(before);
  });

  it('applies every summary of inbox.updates as a conversation.updated, never rolling one back', () => {
    const before = run(opened(), frame(welcome([conversation({ lastSeq: 5, updatedAt: 5_000 }), conversation({ id: 'c2' })])));
    const summaries = [
      conversation({ id: 'c2', lastSeq: 7, updatedAt: 7_000 }),
      conversation({ id: 'c3', lastSeq: 1, updatedAt: 6_000 }),
      // Older than what the console holds: a crossed frame, ignored.
      conversation({ lastSeq: 4, updatedAt: 4_000 }),
    ];
    const s = run(before, frame({ type: 'inbox.updates', conversations: summaries }));
    expect(s.conversations.c2!.lastSeq).toBe(7);
    expect(s.conversations.c3!.lastSeq).toBe(1);
    expect(s.conversations.c1!.lastSeq).toBe(5);
    const oneByOne = run(before, ...summaries.map((c) => frame({ type: 'conversation.updated', conversation: c })));
    expect(s).toEqual(oneByOne);
  });

  it('keeps the visitor’s past conversations current from inbox.updates', () => {
    const withVisitor = run(
      initialState(),
      frame(conversationDetail({ past: [conversation()] })),
    );
    const s = run(withVisitor, frame({ type: 'inbox.updates', conversations: [conversation({ lastSeq: 9, updatedAt: 9_000 })] }));
    const visitorId = conversation().visitorId;
    expect(s.visitors[visitorId]!.past.map((p) => p.lastSeq)).toEqual([9]);
  });

  it('loads the messages and the visitor context from conversation.detail, newest pages first', () => {
    const s = run(
      initialState(),
      frame({
        type: 'conversation.detail',
        conversation: conversation({ lastSeq: 2 }),
        messages: [message(2), message(1)],
        visitor: visitor(),
        pages: [
          { url: 'https://shop.test/a', title: 'A', at: 1 },
          { url: 'https://shop.test/b', title: 'B', at: 2 },
        ],
        events: [{ name: 'cart', props: { items: 2 }, at: 3 }],
        past: [conversation({ id: 'c0', status: 'resolved' })],
        cobrowse: cobrowseStatus(),
      }),
    );
    expect(s.messages.c1!.map((m) => m.seq)).toEqual([1, 2]);
    expect(s.visitors.v1abcdef!.pages.map((p) => p.title)).toEqual(['B', 'A']);
    expect(s.visitors.v1abcdef!.past.map((c) => c.id)).toEqual(['c0']);
  });

  it('adds page views and events from visitor.updated and renames the visitor in the inbox', () => {
    const s = run(
      opened(),
      frame({ type: 'visitor.updated', visitor: visitor({ name: 'Dana' }), pages: [{ url: 'https://shop.test/c', title: 'C', at: 9 }] }),
      frame({ type: 'visitor.updated', visitor: visitor({ name: 'Dana' }), events: [{ name: 'signup', props: {}, at: 10 }] }),
    );
    expect(s.visitors.v1abcdef!.pages.map((p) => p.title)).toEqual(['C']);
    expect(s.visitors.v1abcdef!.events.map((e) => e.name)).toEqual(['signup']);
    expect(s.conversations.c1!.visitorName).toBe('Dana');
  });

  it('keeps the last words of a person as the summary\'s last message when system lines follow', () => {
    const s = run(
      opened(),
      frame({ type: 'chat.message', message: message(2, { author: 'agent', authorId: ME.id, text: 'On it', at: 3_000 }) }),
      frame({ type: 'chat.message', message: message(3, { author: 'system', authorId: '', text: 'Mina resolved the conversation', at: 4_000 }) }),
    );
    expect(s.conversations.c1).toMatchObject({ lastSeq: 3, updatedAt: 4_000, lastMessage: { text: 'On it', author: 'agent', at: 3_000 } });
  });

  it('previews a system line while no person has written (a callback request)', () => {
    const s = run(
      initialState(),
      frame(welcome([conversation({ lastSeq: 0, lastMessage: null })])),
      frame({ type: 'chat.message', message: message(1, { author: 'system', authorId: '', text: 'The visitor asked to be called back', at: 3_000 }) }),
    );
    expect(s.conversations.c1!.lastMessage).toEqual({ text: 'The visitor asked to be called back', author: 'system', at: 3_000 });
  });

  it('keeps the inbox rows of a visitor live with their presence', () => {
    const base = run(initialState(), frame(welcome([conversation({ visitorOnline: true }), conversation({ id: 'c2', visitorId: 'v2other0', visitorOnline: true })])));
    const left = reduce(base, frame({ type: 'visitor.updated', visitor: visitor({ online: false }) }));
    expect(left.conversations.c1!.visitorOnline).toBe(false);
    expect(left.conversations.c2).toBe(base.conversations.c2);
    const back = reduce(left, frame({ type: 'visitor.updated', visitor: visitor({ online: true }) }));
    expect(back.conversations.c1!.visitorOnline).toBe(true);
    // Nothing changed: the same conversations object, so the inbox does not re-render.
    expect(reduce(back, frame({ type: 'visitor.updated', visitor: visitor({ online: true }) })).conversations).toBe(back.conversations);
  });

  it('keeps every page view and event of a coalesced visitor.updated, once, newest first', () => {
    const pages = [
      { url: 'https://shop.test/d', title: 'D', at: 20 },
      { url: 'https://shop.test/e', title: 'E', at: 21 },
    ];
    const events: TrackedEvent[] = [
      { name: 'cart.add', props: { sku: 'A1' }, at: 20 },
      { name: 'checkout', props: { step: 2 }, at: 22 },
    ];
    const update = frame({ type: 'visitor.updated', visitor: visitor({ currentPage: pages[1]! }), pages, events });
    // The same window's frame twice (a replay, say) adds nothing the second time.
    const s = run(opened(), update, update);
    expect(s.visitors.v1abcdef!.pages.map((p) => p.title)).toEqual(['E', 'D']);
    expect(s.visitors.v1abcdef!.events.map((e) => e.name)).toEqual(['checkout', 'cart.add']);
    expect(s.visitors.v1abcdef!.profile.currentPage?.title).toBe('E');
  });

  it('keeps at most CONTEXT_LIMIT page views of a visitor', () => {
    const many = Array.from({ length: CONTEXT_LIMIT + 30 }, (_, i) => ({ url: `https://shop.test/${i}`, title: `P${i}`, at: 100 + i }));
    const s = run(opened(), frame({ type: 'visitor.updated', visitor: visitor(), pages: many }));
    const held = s.visitors.v1abcdef!.pages;
    expect(held).toHaveLength(CONTEXT_LIMIT);
    expect(held[0]!.title).toBe(`P${CONTEXT_LIMIT + 29}`);
  });

  it('records reads of both sides and the agent read locally', () => {
    const s = run(opened(), frame({ type: 'chat.read', conversationId: 'c1', seq: 1, by: 'visitor' }), { kind: 'read', conversationId: 'c1', seq: 1 });
    expect(s.conversations.c1).toMatchObject({ visitorReadSeq: 1, agentReadSeq: 1 });
  });

  it('remembers which conversations the agent opened', () => {
    const s = run(opened(), { kind: 'select', conversationId: 'c1' }, { kind: 'select', conversationId: null });
    expect(s.selectedId).toBeNull();
    expect(s.opened).toEqual({ c1: true });
  });

  it('returns the same state for frames that change nothing', () => {
    const s = opened();
    expect(reduce(s, frame({ type: 'pong' }))).toBe(s);
  });
});

describe('reduce co-browse', () => {
  const status = (view: 'off' | 'requested' | 'active', extra = {}) => cobrowseStatus({ view, ...extra });

  it('keeps each conversation’s co-browse state from cobrowse.state', () => {
    const s = run(
      opened(),
      frame({ type: 'cobrowse.state', status: status('requested', { requestId: 'req-12345678', agentName: 'Mina' }) }),
      frame({ type: 'cobrowse.state', status: cobrowseStatus({ conversationId: 'c2', view: 'active', live: true }) }),
    );
    expect(s.cobrowse.c1).toMatchObject({ view: 'requested', requestId: 'req-12345678' });
    expect(s.cobrowse.c2).toMatchObject({ view: 'active', live: true });
    const active = run(s, frame({ type: 'cobrowse.state', status: status('active', { since: 9, live: true, control: 'requested' }) }));
    expect(active.cobrowse.c1).toMatchObject({ view: 'active', control: 'requested', since: 9 });
  });

  it('takes the co-browse state of a conversation from conversation.detail', () => {
    const s = run(
      initialState(),
      frame(conversationDetail({ cobrowse: status('active', { live: true, since: 5 }) })),
    );
    expect(s.cobrowse.c1).toEqual(status('active', { live: true, since: 5 }));
  });

  it('keeps page data and the visitor-bound co-browse frames out of the state', () => {
    const s = opened();
    const data = frame({ type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq: 0, full: true, data: '[]' });
    expect(reduce(s, data)).toBe(s);
    expect(reduce(s, frame({ type: 'cobrowse.snapshot', conversationId: 'c1' }))).toBe(s);
  });

  it('marks every sharing session as not live while disconnected', () => {
    const s = run(opened(), frame({ type: 'cobrowse.state', status: status('active', { live: true }) }), { kind: 'connection', status: 'reconnecting' });
    expect(s.cobrowse.c1).toMatchObject({ view: 'active', live: false });
  });

  it('shows no notice for refused pointer, control and leave frames, but does for a refused request', () => {
    const s = opened();
    for (const ref of ['cobrowse.pointer', 'cobrowse.control', 'cobrowse.events', 'cobrowse.leave']) {
      expect(reduce(s, frame({ type: 'error', code: 'cobrowse_no_consent', message: 'Not sharing', ref }))).toBe(s);
    }
    expect(run(s, frame({ type: 'error', code: 'forbidden', message: 'Not yours', ref: 'cobrowse.request' })).notice).toBe('Not yours');
  });
});

describe('mergeMessages', () => {
  it('keeps the first copy of a seq', () => {
    const merged = mergeMessages([message(1, { text: 'original' })], [message(1, { text: 'replay' }), message(2)]);
    expect(merged.map((m) => m.text)).toEqual(['original', 'message 2']);
  });
});
