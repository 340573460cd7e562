/**
 * Tenancy at the real relay: two sites, agent Xena of the demo site, supervisor Yuri of the
 * blog site, and the admin. Xena never learns anything of the blog's conversations and is
 * refused acting on them; Yuri sees the blog's; the admin sees both, each frame once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { startAgentSession } from '../src/session-tokens.js';
import { Clients, RELAY_SECRET, roundTrip } from './call-harness.js';
import { PAGE_ORIGIN, adminToken, postJson, startTestRelay, type TestClient, type TestRelay } from './relay-harness.js';

describe('tenancy through the relay', () => {
  let relay: TestRelay;
  let clients: Clients;
  let blogSiteId: string;
  let n = 0;

  beforeAll(async () => {
    relay = await startTestRelay({ secret: RELAY_SECRET, scopeRefreshMs: 50 });
    clients = new Clients(relay);
    blogSiteId = (await relay.storage.createSite({ id: randomUUID(), key: 'blog', name: 'Blog', secret: 'blog-secret', allowedOrigins: ['http://localhost:*'], createdAt: Date.now() })).id;
  });
  afterEach(() => clients.closeAll());
  afterAll(() => relay.stop());

  /** A new account of `role` belonging to `siteIds`, and its console token. */
  async function account(role: 'agent' | 'supervisor', siteIds: string[]): Promise<{ id: string; token: string }> {
    const id = `agent-${randomUUID().slice(0, 8)}`;
    await relay.storage.createAgent({ id, email: `${id}@agents.example`, name: id, role, passwordHash: 'x', createdAt: 1 });
    await relay.storage.addAgentSites(id, siteIds);
    return { id, token: await startAgentSession(relay.storage, RELAY_SECRET, id, 60 * 60 * 1000) };
  }

  /** A visitor of the site `siteKey` who wrote a first message: its tab and conversation. */
  async function visitorOf(siteKey: string): Promise<{ tab: TestClient; conversationId: string }> {
    const res = await postJson(relay, '/api/visitors', { siteKey }, { Origin: PAGE_ORIGIN });
    const { client: tab } = await clients.connect(res.body.token as string, 'visitor');
    tab.send({ type: 'chat.send', clientId: `tenancy-first-${++n}-abcdefgh`, text: `hello from ${siteKey}` });
    const { conversationId } = await tab.next('chat.ack');
    return { tab, conversationId };
  }

  async function scene() {
    const xena = await account('agent', [relay.demoSite.id]);
    const yuri = await account('supervisor', [blogSiteId]);
    const { client: x, welcome: xWelcome } = await clients.connect(xena.token, 'agent');
    const { client: y } = await clients.connect(yuri.token, 'agent');
    const { client: z } = await clients.connect(await adminToken(relay), 'agent');
    return { xena, yuri, x, y, z, xWelcome };
  }

  /** Every mention of a conversation in the frames a client received. */
  function mentions(client: TestClient, conversationId: string): ServerFrame[] {
    return client.frames.filter((frame) => JSON.stringify(frame).includes(conversationId));
  }

  it('keeps every announcement, ring and callback of one site from the agents of another', async () => {
    const { x, y, z } = await scene();
    const demo = await visitorOf('demo');
    const blog = await visitorOf('blog');

    // Activity on the blog's conversation, each kind the agents are told about. The message's
    // batch is awaited first: a later status change would replace it in the batch.
    blog.tab.send({ type: 'chat.send', conversationId: blog.conversationId, clientId: `tenancy-more-${++n}-abcdefgh`, text: 'anyone there?' });
    const { seq } = await blog.tab.next('chat.ack');
    const carriesMessage = (f: ServerFrame) => f.type === 'inbox.activity' && f.conversations.some((c) => c.id === blog.conversationId && c.lastSeq === seq);
    for (const agent of [y, z]) await agent.next('inbox.activity', carriesMessage);
    blog.tab.send({ type: 'visitor.page', url: 'http://localhost:5173/pricing', title: 'Pricing' });
    blog.tab.send({ type: 'callback.request', clientId: `tenancy-cb-${++n}-abcdefgh`, conversationId: blog.conversationId, phone: '+442071234567' });
    const callback = (await blog.tab.next('callback.updated')).callback;
    const callId = `call-${randomUUID()}`;
    blog.tab.send({ type: 'call.start', conversationId: blog.conversationId, callId });

    // The blog's supervisor and the admin are told of each; the admin once per frame.
    for (const agent of [y, z]) {
      await agent.next('visitor.updated', (f) => f.pages?.some((p) => p.title === 'Pricing') === true);
      await agent.next('callback.updated', (f) => f.callback.id === callback.id);
      await agent.next('call.state', (f) => f.call.callId === callId && f.call.phase === 'ringing');
    }
    expect(z.frames.filter(carriesMessage)).toHaveLength(1);
    expect(z.frames.filter((f) => f.type === 'callback.updated' && f.callback.id === callback.id)).toHaveLength(1);
    expect(z.frames.filter((f) => f.type === 'call.state' && f.call.callId === callId)).toHaveLength(1);
    // The admin sees the demo site too; so does Xena, of the demo site.
    await z.next('conversation.updated', (f) => f.conversation.id === demo.conversationId);
    await x.next('conversation.updated', (f) => f.conversation.id === demo.conversationId);

    // Everything for Xena was sent with the frames above: one round trip later it is all in.
    await roundTrip(x);
    expect(mentions(x, blog.conversationId)).toEqual([]);
    expect(x.frames.some((f) => f.type === 'visitor.updated' && f.visitor.siteId === blogSiteId)).toBe(false);
    expect(x.frames.some((f) => f.type === 'call.state')).toBe(false);

    // Lists: Xena's inbox views and callback tasks hold only the demo site's.
    for (const view of ['open', 'waiting', 'mine', 'resolved'] as const) {
      x.send({ type: 'inbox.list', view });
      expect((await x.next('inbox.items', (f) => f.view === view)).conversations.map((c) => c.id)).not.toContain(blog.conversationId);
    }
    x.send({ type: 'callback.list', filter: 'all' });
    expect((await x.next('callback.items')).callbacks).toEqual([]);
    z.send({ type: 'callback.list', filter: 'all' });
    expect((await z.next('callback.items')).callbacks.map((c) => c.id)).toContain(callback.id);

    // When the only agents it may ring declined, the call ends: Xena is not waited for.
    x.send({ type: 'call.decline', callId });
    expect((await x.next('error')).code).toBe('call_not_found');
    y.send({ type: 'call.decline', callId });
    z.send({ type: 'call.decline', callId });
    expect((await blog.tab.next('call.state', (f) => f.call.callId === callId && f.call.phase === 'ended')).call.endReason).toBe('declined');
  });

  it('refuses every action of an agent on another site’s conversation as forbidden, and lets the admin act', async () => {
    const { x, z } = await scene();
    const blog = await visitorOf('blog');
    blog.tab.send({ type: 'callback.request', clientId: `tenancy-cb-${++n}-abcdefgh`, conversationId: blog.conversationId, phone: '+442071234567' });
    const callback = (await blog.tab.next('callback.updated')).callback;
    const refused: Record<string, unknown>[] = [
      { type: 'conversation.open', conversationId: blog.conversationId },
      { type: 'conversation.assign', conversationId: blog.conversationId },
      { type: 'conversation.resolve', conversationId: blog.conversationId },
      { type: 'chat.send', conversationId: blog.conversationId, clientId: `tenancy-reply-${++n}-abcdefgh`, text: 'hi' },
      { type: 'chat.sync', conversationId: blog.conversationId, afterSeq: 0 },
      { type: 'cobrowse.request', conversationId: blog.conversationId, scope: 'view' },
      { type: 'callback.update', callbackId: callback.id, status: 'claimed' },
      { type: 'call.start', conversationId: blog.conversationId, callId: `call-${randomUUID()}` },
    ];
    for (const frame of refused) {
      x.send(frame);
      expect([frame.type, (await x.next('error')).code]).toEqual([frame.type, 'forbidden']);
    }
    expect(mentions(x, blog.conversationId)).toEqual([]);
    const stored = await relay.storage.getConversation(blog.conversationId);
    expect(stored).toMatchObject({ status: 'open', assigneeId: null, lastSeq: 2 });
    expect((await relay.storage.getCallback(callback.id))?.status).toBe('requested');

    z.send({ type: 'conversation.open', conversationId: blog.conversationId });
    expect((await z.next('conversation.detail')).conversation.id).toBe(blog.conversationId);
    z.send({ type: 'conversation.resolve', conversationId: blog.conversationId });
    await z.next('conversation.updated', (f) => f.conversation.id === blog.conversationId && f.conversation.status === 'resolved');
  });

  it('reconnects an open console whose agent joined a site, and its new welcome lists that site', async () => {
    const { xena, x, xWelcome } = await scene();
    const blog = await visitorOf('blog');
    expect(xWelcome.conversations.map((c) => c.id)).not.toContain(blog.conversationId);
    // What `parley agent sites` does, from another process: the store changes under the relay.
    await relay.storage.addAgentSites(xena.id, [blogSiteId]);
    expect((await x.closed).code).toBe(4010);
    const { welcome } = await clients.connect(xena.token, 'agent');
    expect(welcome.conversations.map((c) => c.id)).toContain(blog.conversationId);
  });

  it('hands an agent\'s conversations of a site they left back to its queue, and sends them none of its messages after', async () => {
    const { yuri, y, z } = await scene();
    const blog = await visitorOf('blog');
    y.send({ type: 'conversation.assign', conversationId: blog.conversationId });
    await y.next('conversation.updated', (f) => f.conversation.id === blog.conversationId && f.conversation.assigneeId === yuri.id);

    // What `parley agent sites --remove` does, from another process: the store changes under the relay.
    await relay.storage.removeAgentSites(yuri.id, [blogSiteId]);
    expect((await y.closed).code).toBe(4010);
    const { client: again, welcome } = await clients.connect(yuri.token, 'agent');
    expect(welcome.conversations.map((c) => c.id)).not.toContain(blog.conversationId);
    await z.next('conversation.updated', (f) => f.conversation.id === blog.conversationId && f.conversation.assigneeId === null);
    expect((await relay.storage.getConversation(blog.conversationId))?.assigneeId).toBeNull();

    // The visitor writes on: the admin is told, the supervisor who left the site is not.
    blog.tab.send({ type: 'chat.send', conversationId: blog.conversationId, clientId: `tenancy-after-${++n}-abcdefgh`, text: 'still there?' });
    const { seq } = await blog.tab.next('chat.ack');
    await z.next('inbox.activity', (f) => f.conversations.some((c) => c.id === blog.conversationId && c.lastSeq === seq));
    await roundTrip(again);
    expect(mentions(again, blog.conversationId)).toEqual([]);
  });
});
