import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallSignal } from '@parley/protocol';
import { Clients, RELAY_SECRET, callStates, roundTrip, timeline } from './call-harness.js';
import { startTestRelay, type TestClient, type TestRelay } from './relay-harness.js';

const RING_MS = 1500;
const REJOIN_MS = 600;
const TURN_SECRET = 'coturn-static-auth-secret';
const TURN_TTL = 600;

describe('calls through the relay', () => {
  let relay: TestRelay;
  let clients: Clients;
  let n = 0;
  beforeAll(async () => {
    relay = await startTestRelay({
      secret: RELAY_SECRET,
      limits: { callRingMs: RING_MS, callRejoinMs: REJOIN_MS },
      stunUrls: ['stun:stun.example:3478'],
      turnUrls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349'],
      turnSecret: TURN_SECRET,
      turnTtl: TURN_TTL,
    });
    clients = new Clients(relay);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => relay.stop());

  const callId = () => `call-${++n}-abcdefgh`;

  /** Two agents online, a visitor with a waiting conversation, and an unrelated visitor. */
  async function scene() {
    const annAccount = await clients.agent('Ann');
    const boAccount = await clients.agent('Bo');
    const { client: ann } = await clients.connect(annAccount.token, 'agent');
    const { client: bo } = await clients.connect(boAccount.token, 'agent');
    const visitor = await clients.visitor();
    const stranger = await clients.visitor();
    return { ann, bo, annId: annAccount.id, boId: boAccount.id, visitor, stranger };
  }

  /** A visitor's call, answered by `agent`: both have the ICE servers and `connecting`. */
  async function answered(visitor: TestClient, agent: TestClient, conversationId: string) {
    const id = callId();
    visitor.send({ type: 'call.start', conversationId, callId: id });
    await agent.next('call.state', (f) => f.call.callId === id && f.call.phase === 'ringing');
    agent.send({ type: 'call.accept', callId: id });
    await agent.next('call.state', (f) => f.call.callId === id && f.call.phase === 'connecting');
    await visitor.next('call.state', (f) => f.call.callId === id && f.call.phase === 'connecting');
    return id;
  }

  it('rings every agent for a waiting conversation, the assignee alone once assigned, and never another visitor', async () => {
    const { ann, bo, annId, visitor, stranger } = await scene();
    const id = callId();
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: id });
    const mine = await visitor.tab.next('call.state');
    expect(mine.call).toMatchObject({ callId: id, conversationId: visitor.conversationId, caller: 'visitor', phase: 'ringing', agentId: null, mine: true });
    for (const agent of [ann, bo]) {
      expect((await agent.next('call.state')).call).toMatchObject({ callId: id, phase: 'ringing', caller: 'visitor', mine: false });
    }
    await roundTrip(stranger.tab);
    expect(callStates(stranger.tab)).toEqual([]);

    ann.send({ type: 'call.accept', callId: id });
    const ice = await ann.next('call.ice');
    expect(ice.callId).toBe(id);
    expect((await ann.next('call.state')).call).toMatchObject({ phase: 'connecting', agentId: annId, agentName: 'Ann', mine: true, answeredAt: expect.any(Number) });
    expect((await visitor.tab.next('call.ice')).iceServers).toEqual(ice.iceServers);
    expect((await visitor.tab.next('call.state')).call).toMatchObject({ phase: 'connecting', agentName: 'Ann', mine: true });
    // Bo stops ringing: the call is Ann's now.
    expect((await bo.next('call.state')).call).toMatchObject({ phase: 'connecting', agentId: annId, mine: false });
    expect(bo.frames.some((f) => f.type === 'call.ice')).toBe(false);
    await visitor.tab.next('chat.message', (f) => f.message.text === 'Ann joined the conversation');
    expect((await relay.storage.getConversation(visitor.conversationId))?.assigneeId).toBe(annId);
    expect(await timeline(relay, visitor.conversationId)).toEqual(['The visitor started a call', 'Ann answered the call', 'Ann joined the conversation']);

    visitor.tab.send({ type: 'call.end', callId: id, reason: 'hangup' });
    await ann.next('call.state', (f) => f.call.phase === 'ended');
    await bo.next('call.ice', () => true, 300).then(
      () => expect.unreachable('Bo got ICE servers'),
      () => undefined,
    );

    // Assigned now: the next call rings Ann alone.
    const second = callId();
    const ringsBefore = callStates(bo).length;
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: second });
    expect((await ann.next('call.state', (f) => f.call.callId === second)).call).toMatchObject({ phase: 'ringing', agentId: annId, agentName: 'Ann' });
    await roundTrip(bo);
    expect(callStates(bo).slice(ringsBefore)).toEqual([]);
    bo.send({ type: 'call.accept', callId: second });
    expect(await bo.next('error')).toMatchObject({ code: 'call_not_found', ref: 'call.accept' });
    stranger.tab.send({ type: 'call.accept', callId: second });
    expect(await stranger.tab.next('error')).toMatchObject({ code: 'call_not_found' });
  });

  it('forwards signalling exactly between the two participants and refuses forged signals', async () => {
    const { ann, bo, visitor, stranger } = await scene();
    const { client: secondTab } = await clients.connect(visitor.token, 'visitor');
    const id = callId();
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: id });
    await visitor.tab.next('call.state');
    const offer: CallSignal = { kind: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    // Ringing: nobody to forward to yet.
    visitor.tab.send({ type: 'call.signal', callId: id, signal: offer });
    expect(await visitor.tab.next('error')).toMatchObject({ code: 'call_not_found', ref: 'call.signal' });

    await ann.next('call.state', (f) => f.call.phase === 'ringing');
    ann.send({ type: 'call.accept', callId: id });
    await visitor.tab.next('call.state', (f) => f.call.phase === 'connecting');

    visitor.tab.send({ type: 'call.signal', callId: id, signal: offer });
    expect(await ann.next('call.signal')).toEqual({ type: 'call.signal', callId: id, signal: offer });
    const answer: CallSignal = { kind: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
    ann.send({ type: 'call.signal', callId: id, signal: answer });
    expect(await visitor.tab.next('call.signal')).toEqual({ type: 'call.signal', callId: id, signal: answer });
    const candidate: CallSignal = { kind: 'ice', candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    ann.send({ type: 'call.signal', callId: id, signal: candidate });
    expect((await visitor.tab.next('call.signal')).signal).toEqual(candidate);

    const forged: CallSignal = { kind: 'offer', sdp: 'v=0\r\no=- 666 666 IN IP4 203.0.113.1\r\n' };
    for (const intruder of [bo, stranger.tab, secondTab]) {
      intruder.send({ type: 'call.signal', callId: id, signal: forged });
      expect(await intruder.next('error')).toMatchObject({ code: 'call_not_found', ref: 'call.signal' });
    }
    await Promise.all([roundTrip(ann), roundTrip(visitor.tab), roundTrip(bo), roundTrip(secondTab)]);
    const signals = (client: TestClient) => client.frames.filter((f) => f.type === 'call.signal');
    expect(signals(ann)).toHaveLength(1);
    expect(signals(visitor.tab)).toHaveLength(2);
    for (const onlooker of [bo, stranger.tab, secondTab]) expect(signals(onlooker)).toEqual([]);
    // The other tab sees the call, but not as its own.
    expect(callStates(secondTab).at(-1)).toMatchObject({ callId: id, phase: 'connecting', mine: false });
  });

  it('answers ICE candidates that arrive after a hang-up without counting them as misbehaviour', async () => {
    const { ann, visitor } = await scene();
    const candidate: CallSignal = { kind: 'ice', candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    // More late candidates (24) than maxErrors refused frames (20), within the frame burst: every call leaves a few.
    for (let i = 0; i < 12; i++) {
      const id = await answered(visitor.tab, ann, visitor.conversationId);
      ann.send({ type: 'call.end', callId: id, reason: 'hangup' });
      await ann.next('call.state', (f) => f.call.callId === id && f.call.phase === 'ended');
      for (let late = 0; late < 2; late++) {
        ann.send({ type: 'call.signal', callId: id, signal: candidate });
        expect(await ann.next('error')).toMatchObject({ code: 'call_not_found', ref: 'call.signal' });
      }
    }
    await roundTrip(ann);
    expect(ann.ws.readyState).toBe(ann.ws.OPEN);
  });

  it('hands both participants TURN credentials for the call that verify with the shared secret and expire after the TTL', async () => {
    const { ann, visitor } = await scene();
    const before = Math.floor(Date.now() / 1000);
    const id = callId();
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: id });
    await ann.next('call.state');
    ann.send({ type: 'call.accept', callId: id });
    const { iceServers } = await ann.next('call.ice');
    expect((await visitor.tab.next('call.ice')).iceServers).toEqual(iceServers);
    expect(iceServers[0]).toEqual({ urls: ['stun:stun.example:3478'] });
    const turn = iceServers[1]!;
    expect(turn.urls).toEqual(['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349']);
    const [expiry, user] = turn.username!.split(':');
    expect(user).toBe(id);
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + TURN_TTL);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + TURN_TTL);
    expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username!).digest('base64'));
  });

  it('ends a call nobody answers as missed after callRingMs, for the caller and every ringing agent', async () => {
    const { ann, bo, visitor } = await scene();
    const id = callId();
    const startedAt = Date.now();
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: id });
    const ended = await visitor.tab.next('call.state', (f) => f.call.phase === 'ended', RING_MS + 3000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(RING_MS - 50);
    expect(ended.call).toMatchObject({ callId: id, endReason: 'missed', endedBy: null, answeredAt: null, mine: true });
    for (const agent of [ann, bo]) expect((await agent.next('call.state', (f) => f.call.phase === 'ended')).call.endReason).toBe('missed');
    await visitor.tab.next('chat.message', (f) => f.message.text === 'Missed call');
    ann.send({ type: 'call.accept', callId: id });
    expect((await ann.next('error')).code).toBe('call_not_found');
  });

  it('ends an agent call the visitor declines, and a visitor call once every ringing agent declined', async () => {
    const { ann, bo, visitor } = await scene();
    const { client: secondTab } = await clients.connect(visitor.token, 'visitor');
    ann.send({ type: 'conversation.open', conversationId: visitor.conversationId });
    await ann.next('conversation.detail');
    const offered = callId();
    ann.send({ type: 'call.start', conversationId: visitor.conversationId, callId: offered });
    for (const tab of [visitor.tab, secondTab]) {
      expect((await tab.next('call.state')).call).toMatchObject({ caller: 'agent', phase: 'ringing', agentName: 'Ann', mine: false });
    }
    await visitor.tab.next('chat.message', (f) => f.message.text === 'Ann started a call');
    secondTab.send({ type: 'call.decline', callId: offered });
    expect((await ann.next('call.state', (f) => f.call.phase === 'ended')).call).toMatchObject({ endReason: 'declined', endedBy: 'visitor', mine: true });
    expect((await visitor.tab.next('call.state', (f) => f.call.phase === 'ended')).call.endReason).toBe('declined');
    await ann.next('chat.message', (f) => f.message.text === 'The visitor declined the call');

    // A waiting conversation's call rings Ann and Bo: one decline only stops it for that agent.
    const other = await clients.visitor();
    const asked = callId();
    other.tab.send({ type: 'call.start', conversationId: other.conversationId, callId: asked });
    await ann.next('call.state', (f) => f.call.callId === asked);
    await bo.next('call.state', (f) => f.call.callId === asked);
    ann.send({ type: 'call.decline', callId: asked });
    expect((await ann.next('call.state', (f) => f.call.callId === asked)).call).toMatchObject({ phase: 'ended', endReason: 'declined' });
    await Promise.all([roundTrip(bo), roundTrip(other.tab)]);
    expect(callStates(other.tab).map((c) => c.phase)).toEqual(['ringing']);
    ann.send({ type: 'call.accept', callId: asked });
    expect((await ann.next('error')).code).toBe('call_not_found');
    bo.send({ type: 'call.decline', callId: asked });
    expect((await other.tab.next('call.state', (f) => f.call.phase === 'ended')).call).toMatchObject({ endReason: 'declined', endedBy: 'agent' });
    await other.tab.next('chat.message', (f) => f.message.text === 'Bo declined the call');
  });

  it('lets the caller cancel a ringing call', async () => {
    const { ann, visitor } = await scene();
    const id = callId();
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: id });
    await ann.next('call.state', (f) => f.call.phase === 'ringing');
    visitor.tab.send({ type: 'call.end', callId: id, reason: 'cancelled' });
    expect((await ann.next('call.state')).call).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'visitor', mine: false });
    await visitor.tab.next('chat.message', (f) => f.message.text === 'The call was cancelled');
  });

  it('becomes active when media connects and hangs up with its duration on the timeline', async () => {
    const { ann, visitor } = await scene();
    const id = await answered(visitor.tab, ann, visitor.conversationId);
    visitor.tab.send({ type: 'call.connected', callId: id });
    expect((await ann.next('call.state', (f) => f.call.phase === 'active')).call).toMatchObject({ mine: true });
    await visitor.tab.next('call.state', (f) => f.call.phase === 'active');
    ann.send({ type: 'call.connected', callId: id });
    ann.send({ type: 'call.end', callId: id, reason: 'hangup' });
    const ended = (await visitor.tab.next('call.state', (f) => f.call.phase === 'ended')).call;
    expect(callStates(visitor.tab).map((c) => c.phase)).toEqual(['ringing', 'connecting', 'active', 'ended']);
    expect(ended).toMatchObject({ phase: 'ended', endReason: 'hangup', endedBy: 'agent' });
    expect(ended.endedAt! - ended.answeredAt!).toBeLessThan(10_000);
    const line = await visitor.tab.next('chat.message', (f) => f.message.text.startsWith('Call ended'));
    expect(line.message.text).toMatch(/^Call ended · 0:0\d$/);
    ann.send({ type: 'call.signal', callId: id, signal: { kind: 'answer', sdp: 'v=0' } });
    expect((await ann.next('error')).code).toBe('call_not_found');
  });

  it('ends the call as disconnected when a participant connection does not come back within callRejoinMs', async () => {
    const { ann, visitor } = await scene();
    const id = await answered(visitor.tab, ann, visitor.conversationId);
    ann.ws.terminate();
    const ended = await visitor.tab.next('call.state', (f) => f.call.phase === 'ended', REJOIN_MS + 3000);
    expect(ended.call).toMatchObject({ callId: id, endReason: 'disconnected', endedBy: null });
    await visitor.tab.next('chat.message', (f) => f.message.text === 'Call ended: the connection was lost');
  });

  it('lists the call in the welcome of a returning connection, which may end it', async () => {
    const { ann, annId, visitor } = await scene();
    const id = await answered(visitor.tab, ann, visitor.conversationId);
    visitor.tab.close();
    await visitor.tab.closed;
    const { client: back, welcome } = await clients.connect(visitor.token, 'visitor');
    expect(welcome.calls).toEqual([expect.objectContaining({ callId: id, phase: 'connecting', agentId: annId, mine: false })]);
    back.send({ type: 'call.end', callId: id, reason: 'hangup' });
    expect((await ann.next('call.state', (f) => f.call.phase === 'ended')).call).toMatchObject({ endReason: 'hangup', endedBy: 'visitor' });
    expect((await back.next('call.state')).call).toMatchObject({ phase: 'ended', mine: false });
  });

  it('shows a ringing call in the welcome of an agent who connects while it rings, and in the conversation detail', async () => {
    const { visitor } = await scene();
    const carl = await clients.agent('Carl');
    const id = callId();
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: id });
    await visitor.tab.next('call.state');
    const { client: late, welcome } = await clients.connect(carl.token, 'agent');
    expect(welcome.calls).toEqual([expect.objectContaining({ callId: id, phase: 'ringing', mine: false })]);
    late.send({ type: 'conversation.open', conversationId: visitor.conversationId });
    expect((await late.next('conversation.detail')).call).toMatchObject({ callId: id, phase: 'ringing' });
    late.send({ type: 'call.accept', callId: id });
    expect((await visitor.tab.next('call.state', (f) => f.call.phase === 'connecting')).call.agentName).toBe('Carl');
  });

  it('refuses a second call in the same conversation with call_busy', async () => {
    const { ann, visitor } = await scene();
    const id = callId();
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: id });
    await ann.next('call.state');
    ann.send({ type: 'conversation.open', conversationId: visitor.conversationId });
    await ann.next('conversation.detail');
    ann.send({ type: 'call.start', conversationId: visitor.conversationId, callId: callId() });
    expect(await ann.next('error')).toMatchObject({ code: 'call_busy', ref: 'call.start' });
    visitor.tab.send({ type: 'call.start', conversationId: visitor.conversationId, callId: callId() });
    expect((await visitor.tab.next('error')).code).toBe('call_busy');
  });
});
