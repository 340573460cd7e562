import { describe, expect, it } from 'vitest';
import { conversation, message, welcome } from '../test-support/fixtures.js';
import { behindSummary, syncNeeded } from './gaps.js';
import { reduce } from './reducer.js';
import { initialState, type ConsoleState } from './state.js';

function holding(...seqs: number[]): ConsoleState {
  const s = reduce(initialState(), { kind: 'frame', now: 0, frame: welcome([conversation({ lastSeq: Math.max(...seqs) })]) });
  return reduce(s, { kind: 'frame', now: 0, frame: { type: 'chat.messages', conversationId: 'c1', messages: seqs.map((n) => message(n)), complete: true } });
}

describe('syncNeeded', () => {
  it('asks for the missing range when a message skips a seq', () => {
    expect(syncNeeded(holding(1, 2), { type: 'chat.message', message: message(5) })).toEqual({ type: 'chat.sync', conversationId: 'c1', afterSeq: 2 });
  });

  it('asks for nothing when the message is the next one or a replay', () => {
    expect(syncNeeded(holding(1, 2), { type: 'chat.message', message: message(3) })).toBeNull();
    expect(syncNeeded(holding(1, 2), { type: 'chat.message', message: message(1) })).toBeNull();
  });

  it('notices a gap before an ack of the agent’s own reply', () => {
    expect(
      syncNeeded(holding(1), { type: 'chat.ack', clientId: 'reply-0001', conversationId: 'c1', messageId: 'm4', seq: 4, at: 1 }),
    ).toEqual({ type: 'chat.sync', conversationId: 'c1', afterSeq: 1 });
  });

  it('ignores conversations whose history is not held', () => {
    expect(syncNeeded(initialState(), { type: 'chat.message', message: message(9) })).toBeNull();
  });

  it('continues an incomplete replay from its last seq', () => {
    expect(
      syncNeeded(holding(1), { type: 'chat.messages', conversationId: 'c1', messages: [message(2), message(3)], complete: false }),
    ).toEqual({ type: 'chat.sync', conversationId: 'c1', afterSeq: 3 });
  });
});

describe('behindSummary', () => {
  it('is true when the summary names a seq beyond the held messages', () => {
    const s = reduce(holding(1), { kind: 'frame', now: 0, frame: { type: 'conversation.updated', conversation: conversation({ lastSeq: 3, updatedAt: 9_999 }) } });
    expect(behindSummary(s, 'c1')).toBe(true);
    expect(behindSummary(holding(1), 'c1')).toBe(false);
  });
});
