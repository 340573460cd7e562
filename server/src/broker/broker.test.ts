import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, ParleyError, type ServerFrame } from '@parley/protocol';
import { testBroker } from './test-broker.js';
import { applyIdentity, createAnonymousVisitor } from './identity.js';
import { createHmac } from 'node:crypto';

async function setup(announceWindowMs?: number) {
  const { storage, broker, site, connect } = await testBroker({
    settings: { maxOpenConversations: 2, ...(announceWindowMs === undefined ? {} : { announceWindowMs }) },
  });
  const visitor = async () => {
    const v = await createAnonymousVisitor(storage, site.id, 1);
    return connect({ role: 'visitor', visitorId: v.id, siteId: site.id });
  };
  const agent = () => connect({ role: 'agent', agentId: 'agent1' });
  return { storage, broker, visitor, agent, site, connect };
}

describe('Broker', () => {
  it('starts a conversation on a visitor’s first message and acks after the write', async () => {
    const { broker, storage, visitor } = await setup();
    const v = await visitor();
    await broker.handle(v.session, { type: 'chat.send', clientId: 'first-msg-1', text: 'hello' });
    const ack = v.frames.find((f) => f.type === 'chat.ack');
    expect(ack).toMatchObject({ clientId: 'first-msg-1', seq: 1 });
    const stored = await storage.listMessages((ack as { conversationId: string }).conversationId, 0, 10);
    expect(stored.map((m) => m.text)).toEqual(['hello']);
  });

  it('fans a message out to agents and the visitor’s other tabs, not back to the sender', async () => {
    const { broker, visitor, agent, storage } = await setup();
    const tab1 = await visitor();
    const tab2 = await (async () => {
      const frames: ServerFrame[] = [];
      const session = broker.connect({ id: 'tab2', bufferedAmount: 0, closeWith: () => undefined, sendText: (t) => frames.push(JSON.parse(t) as ServerFrame) }, { role: 'visitor', visitorId: tab1.session.subjectId, siteId: 'site1' });
      await broker.hello(session, { type: 'hello', v: PROTOCOL_VERSION });
      return { session, frames };
    })();
    const a = await agent();
    await broker.handle(tab1.session, { type: 'chat.send', clientId: 'fanout-msg-1', text: 'hi' });
    const [conversation] = await storage.listConversations({ visitorId: tab1.session.subjectId, limit: 1 });
    expect(tab2.frames.filter((f) => f.type === 'chat.message')).toHaveLength(1);
    expect(tab1.frames.filter((f) => f.type === 'chat.message')).toHaveLength(0);
    expect(a.frames).toContainEqual(expect.objectContaining({ type: 'conversation.updated', conversation: expect.objectContaining({ id: conversation!.id, lastSeq: 1 }) }));

    await broker.handle(a.session, { type: 'conversation.open', conversationId: conversation!.id });
    await broker.handle(tab2.session, { type: 'chat.typing', conversationId: conversation!.id, typing: true });
    expect(a.frames).toContainEqual({ type: 'chat.typing', conversationId: conversation!.id, typing: true, from: 'visitor' });
    expect(tab1.frames.some((f) => f.type === 'chat.typing')).toBe(false);
  });

  it('refuses a visitor reaching for another visitor’s conversation', async () => {
    const { broker, visitor, storage } = await setup();
    const owner = await visitor();
    const other = await visitor();
    await broker.handle(owner.session, { type: 'chat.send', clientId: 'owner-msg-1', text: 'mine' });
    const [conversation] = await storage.listConversations({ visitorId: owner.session.subjectId, limit: 1 });
    await expect(broker.handle(other.session, { type: 'chat.read', conversationId: conversation!.id, seq: 1 })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(broker.handle(other.session, { type: 'chat.sync', conversationId: 'missing', afterSeq: 0 })).rejects.toBeInstanceOf(ParleyError);
  });

  it('reopens a resolved conversation when its visitor writes again, each time', async () => {
    const { broker, storage, visitor, agent } = await setup();
    const v = await visitor();
    const a = await agent();
    await broker.handle(v.session, { type: 'chat.send', clientId: 'reopen-msg-1', text: 'hi' });
    const [conversation] = await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 });
    const conversationId = conversation!.id;
    for (const round of [2, 3]) {
      await broker.handle(a.session, { type: 'conversation.resolve', conversationId });
      expect((await storage.getConversation(conversationId))?.status).toBe('resolved');
      await broker.handle(v.session, { type: 'chat.send', clientId: `reopen-msg-${round}`, conversationId, text: 'still there?' });
      expect((await storage.getConversation(conversationId))?.status).toBe('open');
    }
    const texts = (await storage.listMessages(conversationId, 0, 20)).map((m) => m.text);
    expect(texts.filter((t) => t === 'The visitor reopened the conversation')).toHaveLength(2);
  });

  it('acks a retry with the first seq, storing it once and reopening nothing', async () => {
    const { broker, storage, visitor, agent } = await setup();
    const v = await visitor();
    const a = await agent();
    await broker.handle(v.session, { type: 'chat.send', clientId: 'retry-msg-1', text: 'first' });
    const [conversation] = await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 });
    const conversationId = conversation!.id;
    await broker.handle(v.session, { type: 'chat.send', clientId: 'retry-msg-2', conversationId, text: 'second' });
    await broker.handle(v.session, { type: 'chat.send', clientId: 'retry-msg-2', conversationId, text: 'second' });
    await broker.handle(a.session, { type: 'conversation.resolve', conversationId });
    await broker.handle(v.session, { type: 'chat.send', clientId: 'retry-msg-2', conversationId, text: 'second' });
    await broker.handle(v.session, { type: 'chat.send', clientId: 'retry-msg-1', text: 'first' });
    const acks = v.frames.filter((f) => f.type === 'chat.ack');
    expect(acks.map((f) => f.type === 'chat.ack' && [f.clientId, f.seq])).toEqual([
      ['retry-msg-1', 1],
      ['retry-msg-2', 2],
      ['retry-msg-2', 2],
      ['retry-msg-2', 2],
      ['retry-msg-1', 1],
    ]);
    expect((await storage.getConversation(conversationId))?.status).toBe('resolved');
    expect((await storage.listConversations({ visitorId: v.session.subjectId, limit: 10 })).map((c) => c.id)).toEqual([conversationId]);
    expect((await storage.listMessages(conversationId, 0, 10)).filter((m) => m.author === 'visitor')).toHaveLength(2);
  });

  it('refuses the old visitor once a sign-in over HTTP merged its conversations into a known user', async () => {
    const { broker, storage, visitor, site } = await setup();
    const v = await visitor();
    await broker.handle(v.session, { type: 'chat.send', clientId: 'merge-msg-1', text: 'before sign-in' });
    const [conversation] = await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 });
    const known = await createAnonymousVisitor(storage, site.id, 1);
    await storage.updateVisitor(known.id, { userId: 'user-7', verified: true });
    const userHash = createHmac('sha256', site.secret).update('user-7').digest('hex');
    // What POST /api/visitors does: straight on the store, not through the broker.
    const result = await applyIdentity(storage, site, v.session.subjectId, { userId: 'user-7', userHash }, 2);
    expect(result).toMatchObject({ switched: true, visitor: { id: known.id } });
    const send = { type: 'chat.send', clientId: 'merge-msg-2', conversationId: conversation!.id, text: 'after' } as const;
    await expect(broker.handle(v.session, send)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(broker.handle(v.session, { type: 'chat.typing', conversationId: conversation!.id, typing: true })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await storage.listMessages(conversation!.id, 0, 10)).map((m) => m.text)).toEqual(['before sign-in']);
  });

  it('counts agents online and tells everyone when it changes', async () => {
    const { broker, visitor, agent } = await setup();
    const v = await visitor();
    const a = await agent();
    expect(v.frames).toContainEqual({ type: 'presence', agentsOnline: 1 });
    await broker.disconnect(a.session);
    expect(v.frames).toContainEqual({ type: 'presence', agentsOnline: 0 });
  });

  it('follows at most maxOpenConversations per agent connection', async () => {
    const { broker, visitor, agent, storage } = await setup();
    const a = await agent();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const v = await visitor();
      await broker.handle(v.session, { type: 'chat.send', clientId: `follow-msg-${i}`, text: 'x' });
      ids.push((await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 }))[0]!.id);
      await broker.handle(a.session, { type: 'conversation.open', conversationId: ids[i]! });
    }
    expect(a.session.opened).toEqual(ids.slice(1));
    expect(broker.registry.count(`conversation:${ids[0]}`)).toBe(0);
  });
});

describe('Broker inbox announcements', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  type Frames = ServerFrame[];
  const updates = (frames: Frames) =>
    frames.flatMap((f) => (f.type === 'conversation.updated' ? [[f.conversation.lastSeq, f.conversation.status] as const] : []));
  const batches = (frames: Frames) =>
    frames.flatMap((f) => (f.type === 'inbox.activity' ? [f.conversations.map((c) => [c.id, c.lastSeq] as const)] : []));

  it('rings at once for a new conversation, then batches its messages and delivers the final state', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { broker, visitor, agent, storage } = await setup(200);
    const a = await agent();
    const v = await visitor();
    await broker.handle(v.session, { type: 'chat.send', clientId: 'coalesce-msg-1', text: 'hello' });
    expect(updates(a.frames)).toEqual([[1, 'open']]);
    const [conversation] = await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 });
    const conversationId = conversation!.id;
    await broker.handle(a.session, { type: 'conversation.open', conversationId });
    for (let i = 2; i <= 6; i++) {
      await broker.handle(v.session, { type: 'chat.send', clientId: `coalesce-msg-${i}`, conversationId, text: `m${i}` });
    }
    // The agent viewing it has every message at once; the inbox summary waits for the window.
    expect(a.frames.filter((f) => f.type === 'chat.message')).toHaveLength(5);
    expect(batches(a.frames)).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(batches(a.frames)).toEqual([[[conversationId, 6]]]);
    // Only what the messages moved: the agent holds the rest since the conversation rang.
    const [activity] = a.frames.filter((f) => f.type === 'inbox.activity');
    expect(activity).toEqual({
      type: 'inbox.activity',
      conversations: [{ id: conversationId, updatedAt: expect.any(Number), lastSeq: 6, lastMessage: { text: 'm6', author: 'visitor', at: expect.any(Number) } }],
    });
    expect(updates(a.frames)).toEqual([[1, 'open']]);
    broker.close();
  });

  it('sends many conversations’ activity in one window as ONE inbox.activity per agent connection', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { broker, visitor, agent, storage } = await setup(200);
    const agents = [await agent(), await agent(), await agent()];
    const visitors = [await visitor(), await visitor(), await visitor(), await visitor()];
    const ids: string[] = [];
    for (const [i, v] of visitors.entries()) {
      await broker.handle(v.session, { type: 'chat.send', clientId: `batch-first-${i}`, text: 'hello' });
      const [conversation] = await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 });
      ids.push(conversation!.id);
    }
    // New conversations ring at once, one conversation.updated each.
    for (const a of agents) expect(updates(a.frames)).toHaveLength(4);
    for (let round = 2; round <= 3; round++) {
      for (const [i, v] of visitors.entries()) {
        await broker.handle(v.session, { type: 'chat.send', clientId: `batch-${round}-${i}`, conversationId: ids[i]!, text: `r${round}` });
      }
    }
    vi.advanceTimersByTime(200);
    for (const a of agents) {
      expect(batches(a.frames)).toEqual([ids.map((id) => [id, 3])]);
      expect(updates(a.frames)).toHaveLength(4);
    }
    broker.close();
  });

  it('announces resolve and reopen at once, never followed by an older summary', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { broker, visitor, agent, storage } = await setup(200);
    const a = await agent();
    const v = await visitor();
    await broker.handle(v.session, { type: 'chat.send', clientId: 'status-msg-1', text: 'hello' });
    const [conversation] = await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 });
    const conversationId = conversation!.id;
    await broker.handle(v.session, { type: 'chat.send', clientId: 'status-msg-2', conversationId, text: 'two' });
    await broker.handle(v.session, { type: 'chat.send', clientId: 'status-msg-3', conversationId, text: 'three' });
    await broker.handle(a.session, { type: 'conversation.resolve', conversationId });
    expect(updates(a.frames).at(-1)).toEqual([4, 'resolved']);
    vi.advanceTimersByTime(1000);
    expect(updates(a.frames).at(-1)).toEqual([4, 'resolved']);
    // The activity summaries that waited were replaced by the resolve: no batch brings them back.
    expect(batches(a.frames)).toEqual([]);

    // The visitor writing again reopens it: agents see that at once too.
    await broker.handle(v.session, { type: 'chat.send', clientId: 'status-msg-4', conversationId, text: 'back' });
    expect(updates(a.frames).at(-1)).toEqual([6, 'open']);
    broker.close();
  });

  it('announces an agent taking a waiting conversation at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { broker, visitor, agent, storage } = await setup(200);
    const a = await agent();
    const v = await visitor();
    await broker.handle(v.session, { type: 'chat.send', clientId: 'take-msg-1', text: 'hello' });
    await broker.handle(v.session, { type: 'chat.send', clientId: 'take-msg-2', text: 'anyone?' });
    const [conversation] = await storage.listConversations({ visitorId: v.session.subjectId, limit: 1 });
    await broker.handle(a.session, { type: 'chat.send', clientId: 'take-reply-1', conversationId: conversation!.id, text: 'hi' });
    const last = a.frames.filter((f) => f.type === 'conversation.updated').at(-1);
    expect(last).toMatchObject({ conversation: { assigneeId: 'agent1', lastSeq: 4 } });
    broker.close();
  });
});
