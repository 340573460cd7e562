import { describe, expect, it } from 'vitest';
import { cobrowseStatus, conversation, ME, message, welcome } from '../test-support/fixtures.js';
import { reduce } from './reducer.js';
import {
  cobrowseOf,
  conversationsInView,
  documentTitle,
  isUnread,
  newlyWaiting,
  resumePoints,
  unseenWaitingCount,
  viewCounts,
  visitorTyping,
} from './selectors.js';
import { initialState, type ConsoleState } from './state.js';

function withConversations(...list: ReturnType<typeof conversation>[]): ConsoleState {
  return reduce(initialState(), { kind: 'frame', frame: welcome(list), now: 0 });
}

const sample = () =>
  withConversations(
    conversation({ id: 'w1', updatedAt: 10 }),
    conversation({ id: 'w2', updatedAt: 30 }),
    conversation({ id: 'm1', assigneeId: ME.id, updatedAt: 20 }),
    conversation({ id: 'o1', assigneeId: 'agent-other', updatedAt: 40 }),
  );

describe('viewCounts', () => {
  it('counts waiting, mine, all open and closed', () => {
    const s = reduce(sample(), {
      kind: 'frame',
      now: 0,
      frame: { type: 'inbox.items', view: 'resolved', conversations: [conversation({ id: 'r1', status: 'resolved' })] },
    });
    expect(viewCounts(s)).toEqual({ waiting: 2, mine: 1, open: 4, resolved: 1 });
  });
});

describe('conversationsInView', () => {
  it('sorts newest activity first', () => {
    expect(conversationsInView(sample(), 'open').map((c) => c.id)).toEqual(['o1', 'w2', 'm1', 'w1']);
  });

  it('lists only the agent’s own open conversations under mine', () => {
    expect(conversationsInView(sample(), 'mine').map((c) => c.id)).toEqual(['m1']);
  });
});

describe('isUnread', () => {
  it('is true when the visitor wrote after the agents last read', () => {
    expect(isUnread(conversation({ lastSeq: 2, agentReadSeq: 1 }))).toBe(true);
    expect(isUnread(conversation({ lastSeq: 2, agentReadSeq: 2 }))).toBe(false);
  });

  it('is false when the last message is an agent reply', () => {
    expect(isUnread(conversation({ lastSeq: 2, agentReadSeq: 0, lastMessage: { text: 'x', author: 'agent', at: 1 } }))).toBe(false);
  });
});

describe('documentTitle', () => {
  it('counts waiting conversations nobody read that this agent has not opened', () => {
    const s = sample();
    expect(unseenWaitingCount(s)).toBe(2);
    expect(documentTitle(s)).toBe('(2) Parley console');
    const opened = reduce(s, { kind: 'select', conversationId: 'w1' });
    expect(documentTitle(opened)).toBe('(1) Parley console');
  });

  it('is the plain title when nothing waits', () => {
    expect(documentTitle(initialState())).toBe('Parley console');
  });
});

describe('newlyWaiting', () => {
  it('names conversations that just started waiting, not ones already waiting', () => {
    const before = sample();
    const after = reduce(before, {
      kind: 'frame',
      now: 0,
      frame: { type: 'conversation.updated', conversation: conversation({ id: 'w3', updatedAt: 50 }) },
    });
    expect(newlyWaiting(before, after)).toEqual(['w3']);
    expect(newlyWaiting(after, after)).toEqual([]);
  });

  it('names a closed conversation the visitor reopened', () => {
    const before = withConversations(conversation({ id: 'r1', status: 'resolved' }));
    const after = reduce(before, { kind: 'frame', now: 0, frame: { type: 'conversation.updated', conversation: conversation({ id: 'r1', updatedAt: 9_000 }) } });
    expect(newlyWaiting(before, after)).toEqual(['r1']);
  });
});

describe('resumePoints', () => {
  it('resumes every open conversation whose messages are held, from its last seq, capped', () => {
    let s = sample();
    for (const id of ['w1', 'w2', 'm1']) {
      s = reduce(s, {
        kind: 'frame',
        now: 0,
        frame: { type: 'chat.messages', conversationId: id, messages: [message(1, { conversationId: id, at: 1 }), message(2, { conversationId: id, at: 1 })], complete: true },
      });
    }
    expect(resumePoints(s, 20)).toEqual({ w1: 2, w2: 2, m1: 2 });
    expect(Object.keys(resumePoints(s, 2))).toEqual(['w2', 'm1']);
  });
});

describe('visitorTyping', () => {
  it('is true only until the indicator expires', () => {
    const s = reduce(sample(), { kind: 'frame', now: 100, frame: { type: 'chat.typing', conversationId: 'w1', typing: true, from: 'visitor' } });
    expect(visitorTyping(s, 'w1', 200)).toBe(true);
    expect(visitorTyping(s, 'w1', 100_000)).toBe(false);
  });
});

describe('cobrowseOf', () => {
  it('is off for a conversation the relay said nothing about', () => {
    expect(cobrowseOf(initialState(), 'c9')).toEqual(cobrowseStatus({ conversationId: 'c9' }));
  });

  it('is the last state the relay sent', () => {
    const s = reduce(initialState(), { kind: 'frame', now: 0, frame: { type: 'cobrowse.state', status: cobrowseStatus({ view: 'requested' }) } });
    expect(cobrowseOf(s, 'c1').view).toBe('requested');
  });
});
