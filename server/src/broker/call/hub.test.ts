import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { createAnonymousVisitor } from '../identity.js';
import { callHub, testBroker, type TestPeer } from '../test-broker.js';

/** A broker (short ring and rejoin times) with agent Ann online and a visitor with a conversation. */
async function callBroker() {
  const { storage, broker, site, connect } = await testBroker({ limits: { callRingMs: 40, callRejoinMs: 40 }, settings: { announceWindowMs: 0 } });
  const record = await createAnonymousVisitor(storage, site.id, 1);
  const visitor = await connect({ role: 'visitor', visitorId: record.id, siteId: site.id });
  const agent = await connect({ role: 'agent', agentId: 'agent1' });
  await broker.handle(visitor.session, { type: 'chat.send', clientId: 'first-message-1', text: 'hello' });
  const [conversation] = await storage.listConversations({ visitorId: record.id, limit: 1 });
  return { storage, broker, visitor, agent, connect, conversationId: conversation!.id };
}

function states(peer: TestPeer) {
  return peer.frames.flatMap((f: ServerFrame) => (f.type === 'call.state' ? [f.call] : []));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CallHub', () => {
  it('sends each connection its own view: mine for the participant, not for the ringing agent', async () => {
    const { broker, visitor, agent, conversationId } = await callBroker();
    await broker.handle(visitor.session, { type: 'call.start', conversationId, callId: 'call-unit-0001' });
    expect(states(visitor)).toEqual([expect.objectContaining({ phase: 'ringing', mine: true })]);
    expect(states(agent)).toEqual([expect.objectContaining({ phase: 'ringing', mine: false })]);
    expect(callHub(broker).ofConversation(conversationId)?.id).toBe('call-unit-0001');
    expect(callHub(broker).ofSession(visitor.session)).toHaveLength(1);
    broker.close();
  });

  it('forgets a call once it ended, with its indexes and timers', async () => {
    const { broker, visitor, conversationId } = await callBroker();
    await broker.handle(visitor.session, { type: 'call.start', conversationId, callId: 'call-unit-0002' });
    const call = callHub(broker).get('call-unit-0002')!;
    await broker.handle(visitor.session, { type: 'call.end', callId: 'call-unit-0002', reason: 'cancelled' });
    expect(callHub(broker).size).toBe(0);
    expect(callHub(broker).ofConversation(conversationId)).toBeUndefined();
    expect(callHub(broker).ofSession(visitor.session)).toEqual([]);
    expect(call.ringTimer).toBeNull();
    expect(states(visitor).at(-1)).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'visitor', mine: true });
  });

  it('waits callRejoinMs once, however many participants drop, then ends the call disconnected', async () => {
    const { broker, visitor, agent, connect, conversationId } = await callBroker();
    const watcher = await connect({ role: 'agent', agentId: 'agent1' });
    await broker.handle(visitor.session, { type: 'call.start', conversationId, callId: 'call-unit-0003' });
    await broker.handle(agent.session, { type: 'call.accept', callId: 'call-unit-0003' });
    const call = callHub(broker).get('call-unit-0003')!;
    await broker.disconnect(visitor.session);
    const timer = call.rejoinTimer;
    expect(timer).not.toBeNull();
    await broker.disconnect(agent.session);
    expect(call.rejoinTimer).toBe(timer);
    expect([...call.state.lost].sort()).toEqual(['agent', 'visitor']);
    while (!call.ended) await pause(10);
    expect(call.info(false)).toMatchObject({ endReason: 'disconnected', endedBy: null });
    expect(states(watcher).at(-1)).toMatchObject({ phase: 'ended', endReason: 'disconnected' });
    broker.close();
  });

  it('stops ring and rejoin timers when the broker closes', async () => {
    const { broker, visitor, agent, storage, conversationId } = await callBroker();
    await broker.handle(visitor.session, { type: 'call.start', conversationId, callId: 'call-unit-0004' });
    const ringing = callHub(broker).get('call-unit-0004')!;
    broker.close();
    expect(ringing.ringTimer).toBeNull();
    expect(callHub(broker).size).toBe(0);
    await pause(100);
    expect(states(agent).map((c) => c.phase)).toEqual(['ringing']);
    const lines = (await storage.listMessages(conversationId, 0, 50)).map((m) => m.text);
    expect(lines).not.toContain('Missed call');
  });
});
