import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { callback, callInfo, conversation, conversationDetail, welcome } from '../test-support/fixtures.js';
import { reduce, type ConsoleAction } from './reducer.js';
import { initialState, type ConsoleState } from './state.js';

const frame = (f: ServerFrame, now = 10_000): ConsoleAction => ({ kind: 'frame', frame: f, now });
const run = (state: ConsoleState, ...actions: ConsoleAction[]): ConsoleState => actions.reduce(reduce, state);
const started = () => run(initialState(), frame(welcome([conversation()])));
const media = (callId = 'call-0000000001') => ({ kind: 'call-media', media: { callId, microphone: 'ready', muted: false, quality: null } }) as const;

function detail(extra: { call?: ReturnType<typeof callInfo> | null; callbacks?: ReturnType<typeof callback>[] }): ServerFrame {
  return conversationDetail(extra);
}

describe('reduce calls', () => {
  it('holds a call by conversation from call.state until it ends', () => {
    const ringing = run(started(), frame({ type: 'call.state', call: callInfo() }));
    expect(ringing.calls.c1).toMatchObject({ callId: 'call-0000000001', phase: 'ringing' });
    const active = run(ringing, frame({ type: 'call.state', call: callInfo({ phase: 'active', mine: true, answeredAt: 5_000 }) }));
    expect(active.calls.c1!.phase).toBe('active');
    const ended = run(active, frame({ type: 'call.state', call: callInfo({ phase: 'ended', endReason: 'hangup', endedAt: 9_000 }) }));
    expect(ended.calls).toEqual({});
  });

  it('keeps a newer call when an older one of the same conversation reports its end', () => {
    const s = run(
      started(),
      frame({ type: 'call.state', call: callInfo({ callId: 'call-new-00001' }) }),
      frame({ type: 'call.state', call: callInfo({ callId: 'call-old-00001', phase: 'ended', endReason: 'missed' }) }),
    );
    expect(s.calls.c1!.callId).toBe('call-new-00001');
  });

  it('drops the agent’s media state and the declined mark when the call ends', () => {
    const s = run(started(), frame({ type: 'call.state', call: callInfo() }), media(), { kind: 'call-declined', callId: 'call-0000000001' });
    expect(s.callMedia).not.toBeNull();
    expect(s.declinedCalls).toEqual({ 'call-0000000001': true });
    const ended = run(s, frame({ type: 'call.state', call: callInfo({ phase: 'ended', endReason: 'declined' }) }));
    expect(ended.callMedia).toBeNull();
    expect(ended.declinedCalls).toEqual({});
  });

  it('ignores media state of a call it does not hold', () => {
    expect(run(started(), media()).callMedia).toBeNull();
  });

  it('takes the calls from welcome and forgets those it no longer lists', () => {
    const s = run(started(), frame({ type: 'call.state', call: callInfo({ mine: true, phase: 'active' }) }), media());
    const again = run(s, frame({ ...welcome([conversation()]), calls: [callInfo({ callId: 'call-0000000002', conversationId: 'c2' })] }));
    expect(Object.keys(again.calls)).toEqual(['c2']);
    expect(again.callMedia).toBeNull();
    const kept = run(s, frame({ ...welcome([conversation()]), calls: [callInfo({ mine: true, phase: 'active' })] }));
    expect(kept.callMedia).not.toBeNull();
  });

  it('measures the relay clock against the browser’s at welcome', () => {
    expect(run(initialState(), frame({ ...welcome(), serverTime: 12_500 }, 10_000)).clockOffset).toBe(2_500);
  });

  it('takes the conversation’s call from conversation.detail, and null as none', () => {
    const s = run(started(), frame(detail({ call: callInfo({ phase: 'active', agentName: 'Jo' }) })));
    expect(s.calls.c1!.agentName).toBe('Jo');
    expect(run(s, frame(detail({ call: null }))).calls).toEqual({});
    expect(run(s, frame(detail({}))).calls.c1).toBeDefined();
  });
});

describe('reduce callbacks', () => {
  it('adds and updates tasks from callback.updated, never rolling one back', () => {
    const s = run(started(), frame({ type: 'callback.updated', callback: callback() }));
    const claimed = run(s, frame({ type: 'callback.updated', callback: callback({ status: 'claimed', agentId: 'agent-me', updatedAt: 5_000 }) }));
    expect(claimed.callbacks.cb1!.status).toBe('claimed');
    const stale = run(claimed, frame({ type: 'callback.updated', callback: callback({ updatedAt: 4_000 }) }));
    expect(stale.callbacks.cb1!.status).toBe('claimed');
  });

  it('replaces the open tasks with an open callback.items list', () => {
    const s = run(
      started(),
      frame({ type: 'callback.updated', callback: callback() }),
      frame({ type: 'callback.updated', callback: callback({ id: 'cb0', status: 'done' }) }),
      frame({ type: 'callback.items', filter: 'open', callbacks: [callback({ id: 'cb2' })] }),
    );
    expect(Object.keys(s.callbacks).sort()).toEqual(['cb0', 'cb2']);
  });

  it('takes a conversation’s callbacks from conversation.detail', () => {
    const s = run(started(), frame(detail({ callbacks: [callback(), callback({ id: 'cb2', status: 'done' })] })));
    expect(Object.keys(s.callbacks).sort()).toEqual(['cb1', 'cb2']);
  });

  it('does not show refusals of signalling frames', () => {
    const s = run(started(), frame({ type: 'error', code: 'call_not_found', message: 'No such call', ref: 'call.signal' }));
    expect(s.notice).toBeNull();
    expect(run(started(), frame({ type: 'error', code: 'call_busy', message: 'Busy', ref: 'call.start' })).notice).toBe('Busy');
  });
});

describe('reduce call-left', () => {
  it('drops the call the agent hung up without waiting for the relay', () => {
    const s = run(started(), frame({ type: 'call.state', call: callInfo({ phase: 'active', mine: true }) }), media(), { kind: 'call-left', callId: 'call-0000000001' });
    expect(s.calls).toEqual({});
    expect(s.callMedia).toBeNull();
  });
});
