import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentFrame, CallInfo, ServerFrame } from '@parley/protocol';
import { reduce } from '../store/reducer.js';
import { initialState } from '../store/state.js';
import { createStore } from '../store/store.js';
import { FakeCallMedia, settle } from '../test-support/fake-call-media.js';
import { callInfo, conversation, welcome } from '../test-support/fixtures.js';
import { CallChannel, FAILED_NOTICE, NO_MICROPHONE_NOTICE, QUALITY_SAMPLE_MS } from './channel.js';

const OUT_ID = 'call-out-000001';
const STUN = [{ urls: ['stun:stun.example.test:3478'] }];

function setup() {
  const store = createStore(reduce(initialState(), { kind: 'frame', frame: welcome([conversation()]), now: 0 }));
  const media = new FakeCallMedia();
  const sent: AgentFrame[] = [];
  const channel = new CallChannel({ send: (f) => (sent.push(f), true), store, media, newId: () => OUT_ID });
  /** The relay sends `frame`: the store applies it, then the channel (as the session does). */
  const relay = (frame: ServerFrame) => {
    store.dispatch({ kind: 'frame', frame, now: 0 });
    channel.route(frame);
  };
  const callFrames = () => sent.filter((f) => f.type.startsWith('call.'));
  return { store, media, sent, channel, relay, callFrames };
}

const outgoing = (overrides: Partial<CallInfo> = {}) => callInfo({ callId: OUT_ID, caller: 'agent', agentId: 'agent-me', mine: true, ...overrides });

afterEach(() => {
  vi.useRealTimers();
});

describe('CallChannel as caller', () => {
  it('rings, opens the microphone, offers once the servers arrive, trickles and reports the connection', async () => {
    const { media, channel, relay, callFrames, store } = setup();
    channel.start('c1');
    expect(callFrames()).toEqual([{ type: 'call.start', conversationId: 'c1', callId: OUT_ID }]);
    relay({ type: 'call.state', call: outgoing() });
    await settle();
    expect(store.getState().callMedia).toMatchObject({ callId: OUT_ID, microphone: 'ready', muted: false });
    expect(media.peers).toHaveLength(0);

    relay({ type: 'call.ice', callId: OUT_ID, iceServers: STUN });
    relay({ type: 'call.state', call: outgoing({ phase: 'connecting', answeredAt: 5_000 }) });
    await settle();
    expect(media.peer.iceServers).toEqual(STUN);
    expect(callFrames().at(-1)).toEqual({ type: 'call.signal', callId: OUT_ID, signal: { kind: 'offer', sdp: 'v=0 offer' } });

    relay({ type: 'call.signal', callId: OUT_ID, signal: { kind: 'answer', sdp: 'v=0 their answer' } });
    relay({ type: 'call.signal', callId: OUT_ID, signal: { kind: 'ice', candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
    await settle();
    expect(media.peer.log).toEqual([['offer'], ['take-answer', 'v=0 their answer'], ['candidate', 'candidate:1 1 udp 1 10.0.0.2 5000 typ host']]);

    media.peer.events.onCandidate({ candidate: 'candidate:2 1 udp 1 10.0.0.1 6000 typ host', sdpMid: '0', sdpMLineIndex: 0 });
    expect(callFrames().at(-1)).toEqual({
      type: 'call.signal',
      callId: OUT_ID,
      signal: { kind: 'ice', candidate: 'candidate:2 1 udp 1 10.0.0.1 6000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    });
    media.peer.events.onConnectionState('connected');
    media.peer.events.onConnectionState('connected');
    expect(callFrames().filter((f) => f.type === 'call.connected')).toEqual([{ type: 'call.connected', callId: OUT_ID }]);
  });

  it('cancels a call that still rings, and hangs up one that was answered, releasing the media', async () => {
    const { media, channel, relay, callFrames, store } = setup();
    channel.start('c1');
    relay({ type: 'call.state', call: outgoing() });
    await settle();
    channel.end(OUT_ID);
    expect(callFrames().at(-1)).toEqual({ type: 'call.end', callId: OUT_ID, reason: 'cancelled' });
    expect(media.microphones[0]!.stopped).toBe(true);
    expect(store.getState().callMedia).toBeNull();

    const second = setup();
    second.channel.start('c1');
    second.relay({ type: 'call.state', call: outgoing({ phase: 'active', answeredAt: 5_000 }) });
    second.relay({ type: 'call.ice', callId: OUT_ID, iceServers: [] });
    await settle();
    second.channel.end(OUT_ID);
    expect(second.callFrames().at(-1)).toEqual({ type: 'call.end', callId: OUT_ID, reason: 'hangup' });
    expect(second.media.peer.closed).toBe(true);
    expect(second.media.microphones[0]!.stopped).toBe(true);
  });

  it('ends the call no-microphone when the microphone is refused, and says so', async () => {
    const { media, channel, relay, callFrames, store } = setup();
    media.refuse = true;
    channel.start('c1');
    relay({ type: 'call.state', call: outgoing() });
    await settle();
    expect(callFrames().at(-1)).toEqual({ type: 'call.end', callId: OUT_ID, reason: 'no-microphone' });
    expect(store.getState().notice).toBe(NO_MICROPHONE_NOTICE);
    expect(channel.activeCallId).toBeNull();
  });

  it('releases the microphone when the relay refuses the start', async () => {
    const { media, channel, relay } = setup();
    channel.start('c1');
    await settle();
    relay({ type: 'error', code: 'call_busy', message: 'A call is already under way in this conversation.', ref: 'call.start' });
    expect(media.microphones[0]!.stopped).toBe(true);
    expect(channel.activeCallId).toBeNull();
  });
});

describe('CallChannel as callee', () => {
  it('accepts, holds an early offer until the link exists, then answers', async () => {
    const { media, channel, relay, callFrames } = setup();
    relay({ type: 'call.state', call: callInfo() });
    channel.accept('call-0000000001');
    expect(callFrames()).toEqual([{ type: 'call.accept', callId: 'call-0000000001' }]);
    relay({ type: 'call.signal', callId: 'call-0000000001', signal: { kind: 'offer', sdp: 'v=0 visitor offer' } });
    relay({ type: 'call.state', call: callInfo({ phase: 'connecting', mine: true, agentId: 'agent-me', answeredAt: 5_000 }) });
    relay({ type: 'call.ice', callId: 'call-0000000001', iceServers: [] });
    await settle();
    expect(media.peer.log).toEqual([['take-offer', 'v=0 visitor offer']]);
    expect(callFrames().at(-1)).toEqual({ type: 'call.signal', callId: 'call-0000000001', signal: { kind: 'answer', sdp: 'v=0 answer' } });
  });

  it('declines for this agent only', () => {
    const { channel, relay, callFrames, store } = setup();
    relay({ type: 'call.state', call: callInfo() });
    channel.decline('call-0000000001');
    expect(callFrames()).toEqual([{ type: 'call.decline', callId: 'call-0000000001' }]);
    expect(store.getState().declinedCalls).toEqual({ 'call-0000000001': true });
  });

  it('lets go when another agent answered first', async () => {
    const { media, channel, relay } = setup();
    relay({ type: 'call.state', call: callInfo() });
    channel.accept('call-0000000001');
    await settle();
    relay({ type: 'call.state', call: callInfo({ phase: 'connecting', mine: false, agentName: 'Jo', answeredAt: 5_000 }) });
    expect(channel.activeCallId).toBeNull();
    expect(media.microphones[0]!.stopped).toBe(true);
  });
});

describe('CallChannel during a call', () => {
  async function connected() {
    const s = setup();
    s.relay({ type: 'call.state', call: callInfo() });
    s.channel.accept('call-0000000001');
    s.relay({ type: 'call.state', call: callInfo({ phase: 'active', mine: true, answeredAt: 5_000 }) });
    s.relay({ type: 'call.ice', callId: 'call-0000000001', iceServers: [] });
    await settle();
    return s;
  }

  it('mutes by taking the track off the link, and unmutes', async () => {
    const { media, channel, store } = await connected();
    channel.setMuted('call-0000000001', true);
    await settle();
    expect(media.peer.muted).toBe(true);
    expect(store.getState().callMedia!.muted).toBe(true);
    channel.setMuted('call-0000000001', false);
    await settle();
    expect(media.peer.muted).toBe(false);
  });

  it('plays the visitor’s audio in the attached element', async () => {
    const { media, channel } = await connected();
    const audio = { srcObject: null } as unknown as HTMLAudioElement;
    channel.attachAudio(audio);
    const remote = { id: 'remote' } as unknown as MediaStream;
    media.peer.events.onRemoteStream(remote);
    expect(audio.srcObject).toBe(remote);
    channel.end('call-0000000001');
    expect(audio.srcObject).toBeNull();
  });

  it('ends the call failed when the link fails', async () => {
    const { media, callFrames, store } = await connected();
    media.peer.events.onConnectionState('failed');
    expect(callFrames().at(-1)).toEqual({ type: 'call.end', callId: 'call-0000000001', reason: 'failed' });
    expect(store.getState().notice).toBe(FAILED_NOTICE);
    expect(media.peer.closed).toBe(true);
  });

  it('closes everything when the relay ends the call, sending nothing', async () => {
    const { media, relay, callFrames } = await connected();
    const before = callFrames().length;
    relay({ type: 'call.state', call: callInfo({ phase: 'ended', endReason: 'hangup', endedBy: 'visitor' }) });
    expect(media.peer.closed).toBe(true);
    expect(media.microphones[0]!.stopped).toBe(true);
    expect(callFrames()).toHaveLength(before);
  });

  it('closes everything when a welcome no longer counts the agent in the call', async () => {
    const { media, relay } = await connected();
    relay(welcome([conversation()]));
    expect(media.peer.closed).toBe(true);
  });

  it('keeps the link when a welcome after a reconnect still lists the call', async () => {
    const { media, relay } = await connected();
    relay({ ...welcome([conversation()]), calls: [callInfo({ phase: 'active', mine: true, answeredAt: 5_000 })] });
    expect(media.peer.closed).toBe(false);
  });

  it('samples the link every two seconds for the quality hint', async () => {
    vi.useFakeTimers();
    const { media, store } = await connected();
    media.peer.stats = { packetsReceived: 100, packetsLost: 0, roundTripTime: 0.05, remoteLoss: null };
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS);
    expect(store.getState().callMedia!.quality).toBe('good');
    media.peer.stats = { packetsReceived: 150, packetsLost: 50, roundTripTime: 0.05, remoteLoss: null };
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS);
    expect(store.getState().callMedia!.quality).toBe('poor');
  });
});
