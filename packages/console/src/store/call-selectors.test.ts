import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { callback, callInfo, conversation, ME, welcome } from '../test-support/fixtures.js';
import { callbacksOf, incomingCall, myCall, openCallbackCount, openCallbacks } from './call-selectors.js';
import { reduce } from './reducer.js';
import { initialState, type ConsoleState } from './state.js';

function withFrames(...frames: ServerFrame[]): ConsoleState {
  return frames.reduce((s, f) => reduce(s, { kind: 'frame', frame: f, now: 0 }), initialState());
}

describe('incomingCall', () => {
  it('is the visitor’s ringing call, the oldest first', () => {
    const s = withFrames(
      welcome([conversation(), conversation({ id: 'c2' })]),
      { type: 'call.state', call: callInfo({ callId: 'call-late-0001', conversationId: 'c2', startedAt: 9_000 }) },
      { type: 'call.state', call: callInfo({ startedAt: 5_000 }) },
    );
    expect(incomingCall(s)?.callId).toBe('call-0000000001');
  });

  it('is not a call the agent declined, started, or that rings for another agent’s conversation', () => {
    const base = withFrames(welcome([conversation()]), { type: 'call.state', call: callInfo() });
    expect(incomingCall(reduce(base, { kind: 'call-declined', callId: 'call-0000000001' }))).toBeNull();
    expect(incomingCall(withFrames(welcome([conversation()]), { type: 'call.state', call: callInfo({ caller: 'agent', mine: true }) }))).toBeNull();
    expect(incomingCall(withFrames(welcome([conversation({ assigneeId: 'agent-jo' })]), { type: 'call.state', call: callInfo() }))).toBeNull();
    expect(incomingCall(withFrames(welcome([conversation({ assigneeId: ME.id })]), { type: 'call.state', call: callInfo() }))).not.toBeNull();
  });
});

describe('myCall', () => {
  it('is the call the agent takes part in, or the one it just accepted', () => {
    const ringing = withFrames(welcome([conversation()]), { type: 'call.state', call: callInfo() });
    expect(myCall(ringing)).toBeNull();
    const accepted = reduce(ringing, { kind: 'call-media', media: { callId: 'call-0000000001', microphone: 'pending', muted: false, quality: null } });
    expect(myCall(accepted)?.callId).toBe('call-0000000001');
    expect(incomingCall(accepted)).toBeNull();
  });
});

describe('callback tasks', () => {
  const s = withFrames(
    welcome([conversation()]),
    { type: 'callback.updated', callback: callback({ id: 'later', window: { from: 90_000, to: 95_000 }, createdAt: 1 }) },
    { type: 'callback.updated', callback: callback({ id: 'soon', window: { from: 20_000, to: 30_000 }, createdAt: 2 }) },
    { type: 'callback.updated', callback: callback({ id: 'closed', status: 'done', createdAt: 3 }) },
    { type: 'callback.updated', callback: callback({ id: 'other', conversationId: 'c2', status: 'claimed', createdAt: 50_000 }) },
  );

  it('lists the open ones, the one due soonest first, and counts them', () => {
    expect(openCallbacks(s).map((c) => c.id)).toEqual(['soon', 'other', 'later']);
    expect(openCallbackCount(s)).toBe(3);
  });

  it('lists a conversation’s requests of every status, newest first', () => {
    expect(callbacksOf(s, 'c1').map((c) => c.id)).toEqual(['closed', 'soon', 'later']);
  });
});
