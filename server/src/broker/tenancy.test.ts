import { describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { createAnonymousVisitor } from './identity.js';
import { testBroker, type TestPeer } from './test-broker.js';

/** Two sites: Ann (agent1) of site1, Ben of site2, Zoe an admin of neither; a visitor on each site with a conversation. */
async function twoSites(announceWindowMs = 0) {
  const { storage, broker, site, connect } = await testBroker({ settings: { announceWindowMs, visitorUpdateWindowMs: 0 } });
  const site2 = await storage.createSite({ id: 'site2', key: 'blog', name: 'Blog', secret: 's', allowedOrigins: [], createdAt: 2 });
  await storage.createAgent({ id: 'ben', email: 'b@x', name: 'Ben', role: 'supervisor', passwordHash: 'x', createdAt: 1 });
  await storage.addAgentSites('ben', [site2.id]);
  await storage.createAgent({ id: 'zoe', email: 'z@x', name: 'Zoe', role: 'admin', passwordHash: 'x', createdAt: 1 });
  const ann = await connect({ role: 'agent', agentId: 'agent1' });
  const ben = await connect({ role: 'agent', agentId: 'ben' });
  const zoe = await connect({ role: 'agent', agentId: 'zoe' });
  const visitorOf = async (siteId: string) => {
    const record = await createAnonymousVisitor(storage, siteId, 1);
    const peer = await connect({ role: 'visitor', visitorId: record.id, siteId });
    await broker.handle(peer.session, { type: 'chat.send', clientId: `first-${siteId}-msg`, text: `hello from ${siteId}` });
    const [conversation] = await storage.listConversations({ visitorId: record.id, limit: 1 });
    return { peer, conversationId: conversation!.id };
  };
  const one = await visitorOf(site.id);
  const two = await visitorOf(site2.id);
  return { storage, broker, connect, ann, ben, zoe, one, two, visitorOf, site };
}

/** The ids of the conversations a peer was told about, in any frame. */
function conversationIds(peer: TestPeer): Set<string> {
  const ids = new Set<string>();
  for (const frame of peer.frames) {
    if (frame.type === 'conversation.updated') ids.add(frame.conversation.id);
    if (frame.type === 'inbox.updates' || frame.type === 'inbox.activity' || frame.type === 'inbox.items' || frame.type === 'welcome') {
      for (const c of frame.conversations) ids.add(c.id);
    }
  }
  return ids;
}

const ofType = <T extends ServerFrame['type']>(peer: TestPeer, type: T) => peer.frames.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);

describe('tenancy in the broker', () => {
  it('announces each site to its own agents and every site to admins', async () => {
    const { ann, ben, zoe, one, two } = await twoSites();
    expect(conversationIds(ann)).toEqual(new Set([one.conversationId]));
    expect(conversationIds(ben)).toEqual(new Set([two.conversationId]));
    expect(conversationIds(zoe)).toEqual(new Set([one.conversationId, two.conversationId]));
    expect(ofType(ann, 'visitor.updated').every((f) => f.visitor.siteId === 'site1')).toBe(true);
    expect(ofType(ben, 'visitor.updated').every((f) => f.visitor.siteId === 'site2')).toBe(true);
    expect(new Set(ofType(zoe, 'visitor.updated').map((f) => f.visitor.siteId))).toEqual(new Set(['site1', 'site2']));
  });

  it('lists only the agent’s sites and refuses another site’s conversation as forbidden', async () => {
    const { broker, ann, zoe, one, two } = await twoSites();
    await broker.handle(ann.session, { type: 'inbox.list', view: 'open' });
    expect(ofType(ann, 'inbox.items').at(-1)!.conversations.map((c) => c.id)).toEqual([one.conversationId]);
    for (const frame of [
      { type: 'conversation.open', conversationId: two.conversationId },
      { type: 'conversation.assign', conversationId: two.conversationId },
      { type: 'conversation.resolve', conversationId: two.conversationId },
      { type: 'chat.send', conversationId: two.conversationId, clientId: 'reply-to-other-site', text: 'hi' },
    ] as const) {
      await expect(broker.handle(ann.session, frame)).rejects.toMatchObject({ code: 'forbidden' });
    }
    await broker.handle(zoe.session, { type: 'conversation.open', conversationId: two.conversationId });
    expect(ofType(zoe, 'conversation.detail').at(-1)!.conversation.id).toBe(two.conversationId);
  });

  it('announces each site’s activity to its own agents and every site’s to admins', async () => {
    const { broker, ann, ben, zoe, one, two } = await twoSites();
    for (const [visitor, conversationId] of [[one.peer, one.conversationId], [two.peer, two.conversationId]] as const) {
      await broker.handle(visitor.session, { type: 'chat.send', conversationId, clientId: `more-${conversationId}`, text: 'still there?' });
    }
    const active = (peer: TestPeer) => new Set(ofType(peer, 'inbox.activity').flatMap((f) => f.conversations.map((c) => c.id)));
    expect(active(ann)).toEqual(new Set([one.conversationId]));
    expect(active(ben)).toEqual(new Set([two.conversationId]));
    expect(active(zoe)).toEqual(new Set([one.conversationId, two.conversationId]));
  });

  it('gives admins one window’s activity of every site in the order it happened', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { broker, zoe, one, two, visitorOf, site } = await twoSites(200);
    const three = await visitorOf(site.id);
    const send = (peer: TestPeer, conversationId: string, clientId: string) =>
      broker.handle(peer.session, { type: 'chat.send', conversationId, clientId, text: 'and another thing' });
    // Site 1, site 2, site 1 again: grouping by site would reorder them.
    await send(one.peer, one.conversationId, 'order-one-1');
    await send(two.peer, two.conversationId, 'order-two-1');
    await send(three.peer, three.conversationId, 'order-three-1');
    vi.advanceTimersByTime(200);
    vi.useRealTimers();
    const [batch] = ofType(zoe, 'inbox.activity');
    expect(batch!.conversations.map((c) => c.id)).toEqual([one.conversationId, two.conversationId, three.conversationId]);
    broker.close();
  });

  it('answers inbox.fetch with the full summaries of the agent’s own sites’ conversations only', async () => {
    const { broker, ann, zoe, one, two } = await twoSites();
    const ids = [one.conversationId, two.conversationId, 'no-such-conversation'];
    await broker.handle(ann.session, { type: 'inbox.fetch', conversationIds: ids });
    const [answer] = ofType(ann, 'inbox.updates');
    expect(answer!.conversations).toEqual([expect.objectContaining({ id: one.conversationId, siteId: 'site1', status: 'open', lastSeq: 1 })]);
    expect(answer!.conversations[0]!.lastMessage).toMatchObject({ text: 'hello from site1', author: 'visitor' });
    // Nothing found is still an answer, so the console stops waiting for it.
    await broker.handle(ann.session, { type: 'inbox.fetch', conversationIds: [two.conversationId] });
    expect(ofType(ann, 'inbox.updates').at(-1)!.conversations).toEqual([]);
    await broker.handle(zoe.session, { type: 'inbox.fetch', conversationIds: ids });
    expect(ofType(zoe, 'inbox.updates').at(-1)!.conversations.map((c) => c.id)).toEqual([one.conversationId, two.conversationId]);
  });

  it('refuses assigning a conversation to an agent of another site', async () => {
    const { broker, zoe, two } = await twoSites();
    await expect(broker.handle(zoe.session, { type: 'conversation.assign', conversationId: two.conversationId, agentId: 'agent1' })).rejects.toMatchObject({ code: 'forbidden' });
    await broker.handle(zoe.session, { type: 'conversation.assign', conversationId: two.conversationId, agentId: 'ben' });
  });

  it('refuses resuming another site’s conversation in hello', async () => {
    const { connect, two } = await twoSites();
    const again = await connect({ role: 'agent', agentId: 'agent1' }, { resume: { [two.conversationId]: 0 } });
    expect(again.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'forbidden', ref: two.conversationId }));
    expect(again.frames.some((f) => f.type === 'chat.message')).toBe(false);
  });

  it('counts for a visitor only the agents serving its site, and tells it when that count changes', async () => {
    const { storage, broker, connect } = await testBroker({ settings: { announceWindowMs: 0, visitorUpdateWindowMs: 0 } });
    await storage.createSite({ id: 'site2', key: 'blog', name: 'Blog', secret: 's', allowedOrigins: [], createdAt: 2 });
    await storage.createAgent({ id: 'zoe', email: 'z@x', name: 'Zoe', role: 'admin', passwordHash: 'x', createdAt: 1 });
    const visitorOf = async (siteId: string) => connect({ role: 'visitor', visitorId: (await createAnonymousVisitor(storage, siteId, 1)).id, siteId });
    const one = await visitorOf('site1');
    const two = await visitorOf('site2');
    const presence = (peer: TestPeer) => ofType(peer, 'presence').map((f) => f.agentsOnline);

    const ann = await connect({ role: 'agent', agentId: 'agent1' });
    expect(presence(one)).toEqual([1]);
    expect(presence(two)).toEqual([]);
    expect(ofType(await visitorOf('site2'), 'welcome')[0]!.agentsOnline).toBe(0);

    const zoe = await connect({ role: 'agent', agentId: 'zoe' });
    expect(presence(one)).toEqual([1, 2]);
    expect(presence(two)).toEqual([1]);

    await broker.disconnect(ann.session);
    await broker.disconnect(zoe.session);
    expect(presence(one)).toEqual([1, 2, 1, 0]);
    expect(presence(two)).toEqual([1, 0]);
  });

  it('shows a console the agents online serving its sites, every agent to an admin', async () => {
    const { storage, broker, connect } = await testBroker({ settings: { announceWindowMs: 0, visitorUpdateWindowMs: 0 } });
    await storage.createSite({ id: 'site2', key: 'blog', name: 'Blog', secret: 's', allowedOrigins: [], createdAt: 2 });
    await storage.createAgent({ id: 'ben', email: 'b@x', name: 'Ben', role: 'agent', passwordHash: 'x', createdAt: 1 });
    await storage.addAgentSites('ben', ['site2']);
    await storage.createAgent({ id: 'zoe', email: 'z@x', name: 'Zoe', role: 'admin', passwordHash: 'x', createdAt: 1 });
    const counts = (peer: TestPeer) => peer.frames.flatMap((f) => (f.type === 'welcome' || f.type === 'presence' ? [f.agentsOnline] : []));

    const ann = await connect({ role: 'agent', agentId: 'agent1' });
    const ben = await connect({ role: 'agent', agentId: 'ben' });
    expect(counts(ann)).toEqual([1]);
    expect(counts(ben)).toEqual([1]);
    const zoe = await connect({ role: 'agent', agentId: 'zoe' });
    expect(counts(zoe)).toEqual([3]);
    expect(counts(ann)).toEqual([1, 2]);
    expect(counts(ben)).toEqual([1, 2]);
    await broker.disconnect(ben.session);
    expect(counts(ann)).toEqual([1, 2]);
    expect(counts(zoe)).toEqual([3, 2]);
  });

  it('closes the connections of an agent whose sites changed, and only those', async () => {
    const { storage, broker, ann, ben, zoe } = await twoSites();
    expect(await broker.scopes.refresh()).toBe(0);
    await storage.addAgentSites('agent1', ['site2']);
    expect(await broker.scopes.refresh()).toBe(1);
    expect(ann.closes).toEqual(['sites_changed']);
    expect(ben.closes).toEqual([]);
    expect(zoe.closes).toEqual([]);
    // The same change is not reported twice.
    expect(await broker.scopes.refresh()).toBe(0);
  });
});
