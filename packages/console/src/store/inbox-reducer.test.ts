import { describe, expect, it } from 'vitest';
import type { ConversationActivity, ConversationSummary, ServerFrame } from '@parley/protocol';
import { conversation, conversationDetail, ME, visitor, welcome } from '../test-support/fixtures.js';
import { reduce, type ConsoleAction } from './reducer.js';
import { initialState, type ConsoleState } from './state.js';

const frame = (f: ServerFrame): ConsoleAction => ({ kind: 'frame', frame: f, now: 10_000 });
const run = (state: ConsoleState, ...actions: ConsoleAction[]): ConsoleState => actions.reduce(reduce, state);

/** What a message at `seq` and `at` moves in conversation `id`. */
function activity(id: string, seq: number, at: number, text = `message ${seq}`): ConversationActivity {
  return { id, updatedAt: at, lastSeq: seq, lastMessage: { text, author: 'visitor', at } };
}

const activityFrame = (...conversations: ConversationActivity[]): ConsoleAction => frame({ type: 'inbox.activity', conversations });

/**
 * Two conversations of visitor v1 (c1 open, c0 resolved), whose context panel is loaded, and c2
 * of another visitor.
 */
function withVisitorContext(): ConsoleState {
  const c1 = conversation({ lastSeq: 2, updatedAt: 2_000 });
  const c0 = conversation({ id: 'c0', status: 'resolved', lastSeq: 3, updatedAt: 1_500 });
  return run(
    initialState(),
    frame(welcome([c1, conversation({ id: 'c2', visitorId: 'v2other0' })])),
    frame({ type: 'inbox.items', view: 'resolved', conversations: [c0] }),
    frame(conversationDetail({ conversation: c1, visitor: visitor(), past: [c1, c0] })),
  );
}

describe('reduce inbox.activity', () => {
  it('merges the time, seq and last message into a held conversation and keeps everything else', () => {
    const held = conversation({ assigneeId: ME.id, assigneeName: ME.name, visitorName: 'Dana', agentReadSeq: 1, visitorReadSeq: 1, visitorOnline: true });
    const before = run(initialState(), frame(welcome([held])));
    const s = run(before, activityFrame(activity('c1', 4, 5_000, 'Still there?')));
    expect(s.conversations.c1).toEqual({
      ...held,
      updatedAt: 5_000,
      lastSeq: 4,
      lastMessage: { text: 'Still there?', author: 'visitor', at: 5_000 },
    });
  });

  it('ignores conversations the state does not hold', () => {
    const before = run(initialState(), frame(welcome([conversation()])));
    const s = run(before, activityFrame(activity('c9', 3, 5_000)));
    expect(s).toBe(before);
    expect(s.conversations.c9).toBeUndefined();
  });

  it('never rolls a conversation back, even when an older message’s time reads later (another node’s clock)', () => {
    const before = run(initialState(), frame(welcome([conversation({ lastSeq: 5, updatedAt: 5_000 })])));
    const held = before.conversations.c1!;
    // A lower seq is an older message whatever its time says.
    expect(run(before, activityFrame(activity('c1', 4, 6_000))).conversations.c1).toBe(held);
    expect(run(before, activityFrame(activity('c1', 4, 4_000))).conversations.c1).toBe(held);
    // The same message again: the time never moves back...
    expect(run(before, activityFrame(activity('c1', 5, 4_000, 'other'))).conversations.c1).toBe(held);
    // ...but may move on (a status change moved it on the relay), the preview staying.
    expect(run(before, activityFrame(activity('c1', 5, 7_000, 'other'))).conversations.c1).toEqual({ ...held, updatedAt: 7_000 });
  });

  it('keeps the visitor’s past conversations current, in their order', () => {
    const s = run(withVisitorContext(), activityFrame(activity('c1', 9, 9_000), activity('c0', 4, 8_000)));
    const past = s.visitors.v1abcdef!.past;
    expect(past.map((p) => [p.id, p.lastSeq, p.lastMessage?.text])).toEqual([
      ['c1', 9, 'message 9'],
      ['c0', 4, 'message 4'],
    ]);
    // The list shows what the inbox holds, status and all.
    expect(past[1]).toBe(s.conversations.c0);
  });

  it('applies a frame of many entries as it would apply each in a frame of its own', () => {
    const before = withVisitorContext();
    const entries = [
      activity('c1', 4, 4_000),
      activity('c9', 1, 4_100), // not held
      activity('c0', 5, 4_200), // the same visitor as c1
      activity('c1', 6, 4_300),
      activity('c2', 2, 4_400),
      activity('c1', 5, 4_500), // older than an entry before it
    ];
    const s = run(before, activityFrame(...entries));
    const oneByOne = run(before, ...entries.map((e) => activityFrame(e)));
    expect(s).toEqual(oneByOne);
    expect([s.conversations.c1!.lastSeq, s.conversations.c0!.lastSeq, s.conversations.c2!.lastSeq]).toEqual([6, 5, 2]);
    expect(s.visitors.v1abcdef!.past.map((p) => p.lastSeq)).toEqual([6, 5]);
  });
});

describe('reduce inbox.updates', () => {
  it('applies many summaries of one visitor as it would apply each as a conversation.updated', () => {
    const before = withVisitorContext();
    const summaries: ConversationSummary[] = [
      conversation({ lastSeq: 4, updatedAt: 4_000, assigneeId: ME.id }),
      conversation({ id: 'c0', status: 'open', lastSeq: 5, updatedAt: 4_200 }),
      conversation({ id: 'c7', lastSeq: 1, updatedAt: 4_300 }), // new, of the same visitor
      conversation({ lastSeq: 1, updatedAt: 1_000 }), // older: a crossed frame
    ];
    const s = run(before, frame({ type: 'inbox.updates', conversations: summaries }));
    const oneByOne = run(before, ...summaries.map((c) => frame({ type: 'conversation.updated', conversation: c })));
    expect(s).toEqual(oneByOne);
    expect(s.visitors.v1abcdef!.past.map((p) => [p.id, p.lastSeq])).toEqual([
      ['c7', 1],
      ['c1', 4],
      ['c0', 5],
    ]);
  });

  it('never shows an older summary in the visitor’s past conversations', () => {
    const before = withVisitorContext();
    const s = run(before, frame({ type: 'conversation.updated', conversation: conversation({ lastSeq: 1, updatedAt: 1_000 }) }));
    expect(s.conversations.c1!.lastSeq).toBe(2);
    expect(s.visitors.v1abcdef!.past[0]!.lastSeq).toBe(2);
  });
});
