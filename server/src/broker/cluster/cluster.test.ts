/**
 * Two and three brokers on one in-process bus hub and one database: relay nodes in one process,
 * with the bus's real membership, control messages and outages (`hub.down()` / `hub.up()`).
 * Each node has its own store object over one SQLite file, so a node sees another's writes only
 * in the database, never through its own store's change feed, as with separate processes.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import type { Bus } from '../../bus/bus.js';
import { MemoryBusHub } from '../../bus/memory-bus.js';
import { SqliteStorage } from '../../storage/sqlite-storage.js';
import type { Storage } from '../../storage/storage.js';
import { createAnonymousVisitor } from '../identity.js';
import { seedStorage, testBroker, type TestPeer } from '../test-broker.js';

const FAST = { heartbeatMs: 40, deadAfterMs: 400 };

type Node = Awaited<ReturnType<typeof testBroker>> & { bus: Bus };

let open: Node[] = [];
let stores: Storage[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const node of open) {
    node.broker.close();
    await node.bus.close();
  }
  for (const store of stores) await store.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  open = [];
  stores = [];
  dirs = [];
});

/**
 * `count` brokers on one hub and one database, each knowing the others before the test goes on.
 * `storage` is a further store object on that database, for the test's own reads and writes.
 */
async function cluster(count: number): Promise<{ hub: MemoryBusHub; storage: Storage; nodes: Node[] }> {
  const hub = new MemoryBusHub();
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-cluster-'));
  dirs.push(dataDir);
  const store = (): SqliteStorage => {
    const made = new SqliteStorage({ dataDir });
    stores.push(made);
    return made;
  };
  const storage = await seedStorage(store());
  await storage.createAgent({ id: 'agent2', email: 'b@x', name: 'Bo', role: 'agent', passwordHash: 'x', createdAt: 1 });
  await storage.addAgentSites('agent2', ['site1']);
  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) {
    const bus = hub.connect(`node-${String.fromCharCode(97 + i)}`, FAST);
    const nodeStore = store();
    await nodeStore.migrate();
    const node = { ...(await testBroker({ storage: nodeStore, bus, settings: { announceWindowMs: 0, visitorUpdateWindowMs: 0 } })), bus };
    nodes.push(node);
    open.push(node);
  }
  await vi.waitFor(() => {
    for (const node of nodes) expect(node.bus.nodes()).toHaveLength(count);
  });
  return { hub, storage, nodes };
}

function framesOf<T extends ServerFrame['type']>(peer: TestPeer, type: T): Extract<ServerFrame, { type: T }>[] {
  return peer.frames.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);
}

async function visitorOn(node: Node, storage: Storage, visitorId?: string): Promise<TestPeer> {
  const id = visitorId ?? (await createAnonymousVisitor(storage, 'site1', 1)).id;
  return node.connect({ role: 'visitor', visitorId: id, siteId: 'site1' });
}

describe('brokers on one bus (relay nodes)', () => {
  it('carries messages both ways between a visitor on one node and an agent on another', async () => {
    const { storage, nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const tab = await visitorOn(a, storage);
    const agent = await b.connect({ role: 'agent', agentId: 'agent1' });

    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'visitor-to-agent', text: 'hello from A' });
    // The new conversation rings the inbox on B; opening it there follows its messages.
    await vi.waitFor(() => expect(framesOf(agent, 'conversation.updated').at(-1)?.conversation.lastMessage?.text).toBe('hello from A'));
    const conversationId = framesOf(agent, 'conversation.updated').at(-1)!.conversation.id;
    await b.broker.handle(agent.session, { type: 'conversation.open', conversationId });
    await a.broker.handle(tab.session, { type: 'chat.send', conversationId, clientId: 'visitor-again', text: 'are you there?' });
    await vi.waitFor(() => expect(framesOf(agent, 'chat.message').map((f) => f.message.text)).toEqual(['are you there?']));

    await b.broker.handle(agent.session, { type: 'chat.send', conversationId, clientId: 'agent-to-visitor', text: 'hi from B' });
    await vi.waitFor(() => expect(framesOf(tab, 'chat.message').map((f) => f.message.text)).toEqual(['Ann joined the conversation', 'hi from B']));
  });

  it('keeps each node’s copy of a conversation in step with what another node changed', async () => {
    const { storage, nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const tab = await visitorOn(a, storage);
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'before-resolve', text: 'thanks' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    const agent = await b.connect({ role: 'agent', agentId: 'agent1' });
    await b.broker.handle(agent.session, { type: 'conversation.resolve', conversationId: conversation!.id });
    // Node A learns of the resolve over the bus, not from its own copy.
    await vi.waitFor(() => expect(framesOf(tab, 'chat.message').some((f) => f.message.text === 'Ann resolved the conversation')).toBe(true));

    await a.broker.handle(tab.session, { type: 'chat.send', conversationId: conversation!.id, clientId: 'after-resolve', text: 'one more thing' });
    expect((await storage.getConversation(conversation!.id))!.status).toBe('open');
    const lines = (await storage.listMessages(conversation!.id, 0, 10)).map((m) => m.text);
    expect(lines).toEqual(['thanks', 'Ann resolved the conversation', 'The visitor reopened the conversation', 'one more thing']);
  });

  it('counts a visitor online and agents online wherever they are connected, and tells of changes on every node', async () => {
    const { storage, nodes } = await cluster(3);
    const [a, b, c] = nodes as [Node, Node, Node];
    const tab = await visitorOn(a, storage);
    expect(tab.frames[0]).toMatchObject({ type: 'welcome', agentsOnline: 0 });

    const ann = await b.connect({ role: 'agent', agentId: 'agent1' });
    await vi.waitFor(() => expect(framesOf(tab, 'presence').at(-1)).toEqual({ type: 'presence', agentsOnline: 1 }));
    const bo = await c.connect({ role: 'agent', agentId: 'agent2' });
    expect(bo.frames[0]).toMatchObject({ type: 'welcome', agentsOnline: 2 });
    await vi.waitFor(() => expect(framesOf(tab, 'presence').at(-1)).toEqual({ type: 'presence', agentsOnline: 2 }));
    await vi.waitFor(() => expect(framesOf(ann, 'presence').at(-1)).toEqual({ type: 'presence', agentsOnline: 2 }));

    // The visitor's conversation, seen from node C, says the visitor (on A) is online.
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'presence-msg', text: 'anyone?' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    await c.broker.handle(bo.session, { type: 'conversation.open', conversationId: conversation!.id });
    expect(framesOf(bo, 'conversation.detail')[0]).toMatchObject({ visitor: { online: true }, conversation: { visitorOnline: true } });

    await b.broker.disconnect(ann.session);
    await vi.waitFor(() => expect(framesOf(tab, 'presence').at(-1)).toEqual({ type: 'presence', agentsOnline: 1 }));
    await a.broker.disconnect(tab.session);
    await vi.waitFor(() =>
      expect(framesOf(bo, 'visitor.updated').at(-1)).toMatchObject({ visitor: { id: tab.session.subjectId, online: false } }),
    );
  });

  it('hands a node’s connections what another node published while the bus was down, once', async () => {
    const { hub, storage, nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const tab = await visitorOn(a, storage);
    const agent = await b.connect({ role: 'agent', agentId: 'agent1' });
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'before-outage', text: 'hello' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    await vi.waitFor(() => expect(framesOf(agent, 'conversation.updated')).not.toHaveLength(0));

    hub.down();
    await b.broker.handle(agent.session, { type: 'chat.send', conversationId: conversation!.id, clientId: 'during-outage', text: 'sent while the bus was down' });
    expect(framesOf(agent, 'chat.ack').map((f) => f.seq)).toEqual([3]);
    expect(framesOf(tab, 'chat.message')).toHaveLength(0);

    hub.up();
    await vi.waitFor(() => expect(framesOf(tab, 'chat.message').map((f) => f.message.seq)).toContain(3));
    // The newest message arrives once; the visitor's client asks for the rest (seq 2) by its gap.
    expect(framesOf(tab, 'chat.message').filter((f) => f.message.seq === 3)).toHaveLength(1);
    expect(framesOf(tab, 'chat.message').find((f) => f.message.seq === 3)!.message.text).toBe('sent while the bus was down');
  });

  it('moves an anonymous visitor’s tabs on every node onto the user they proved to be', async () => {
    const { storage, nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const tabA = await visitorOn(a, storage);
    const tabB = await visitorOn(b, storage, tabA.session.subjectId);
    // The user is known from another device: proving it folds this visitor into that one.
    const known = await storage.createVisitor({ ...(await storage.getVisitor(tabA.session.subjectId))!, id: 'known-user', userId: 'user-42', verified: true });
    const userHash = createHmac('sha256', 's').update('user-42').digest('hex');
    await a.broker.handle(tabA.session, { type: 'visitor.identify', userId: 'user-42', userHash, name: 'Kim' });

    const onA = framesOf(tabA, 'visitor.identified')[0]!;
    expect(onA.visitor).toMatchObject({ id: known.id, userId: 'user-42', verified: true });
    await vi.waitFor(() => expect(framesOf(tabB, 'visitor.identified')).toHaveLength(1));
    expect(framesOf(tabB, 'visitor.identified')[0]!.visitor.id).toBe(onA.visitor.id);
    expect(tabB.session.subjectId).toBe(onA.visitor.id);
    // The tab on B now acts as the user: its message lands in the user's conversation.
    await b.broker.handle(tabB.session, { type: 'chat.send', clientId: 'after-sign-in', text: 'signed in elsewhere' });
    expect((await storage.listConversations({ visitorId: onA.visitor.id, limit: 5 })).map((c) => c.lastMessage?.text)).toEqual(['signed in elsewhere']);
  });

  it('rings agents on every node for a visitor’s call, connects one on another node, and carries signalling and the end across', async () => {
    const { storage, nodes } = await cluster(3);
    const [a, b, c] = nodes as [Node, Node, Node];
    const tab = await visitorOn(a, storage);
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'call-me-please', text: 'Can you call me?' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    const ann = await b.connect({ role: 'agent', agentId: 'agent1' });
    const bo = await c.connect({ role: 'agent', agentId: 'agent2' });

    await a.broker.handle(tab.session, { type: 'call.start', conversationId: conversation!.id, callId: 'cross-node-call-1' });
    const ringing = (peer: TestPeer) => framesOf(peer, 'call.state').some((f) => f.call.callId === 'cross-node-call-1' && f.call.phase === 'ringing');
    await vi.waitFor(() => expect(ringing(ann) && ringing(bo)).toBe(true));

    // Both agents answer at once, from two nodes: one gets the call, the other is refused.
    const answers = await Promise.allSettled([
      b.broker.handle(ann.session, { type: 'call.accept', callId: 'cross-node-call-1' }),
      c.broker.handle(bo.session, { type: 'call.accept', callId: 'cross-node-call-1' }),
    ]);
    expect(answers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [winner, winnerNode] = answers[0]!.status === 'fulfilled' ? [ann, b] : [bo, c];
    const loser = winner === ann ? bo : ann;
    await vi.waitFor(() => expect(framesOf(winner, 'call.state').at(-1)?.call).toMatchObject({ phase: 'connecting', mine: true }));
    await vi.waitFor(() => expect(framesOf(tab, 'call.state').at(-1)?.call).toMatchObject({ phase: 'connecting', mine: true }));
    await vi.waitFor(() => expect(framesOf(loser, 'call.state').at(-1)?.call).toMatchObject({ phase: 'connecting', mine: false }));
    await vi.waitFor(() => expect(framesOf(winner, 'call.ice')).toHaveLength(1));

    // Signalling goes between the two participants across nodes, each way.
    const offer = { kind: 'offer' as const, sdp: 'v=0 offer' };
    await a.broker.handle(tab.session, { type: 'call.signal', callId: 'cross-node-call-1', signal: offer });
    await vi.waitFor(() => expect(framesOf(winner, 'call.signal').map((f) => f.signal)).toEqual([offer]));
    const answer = { kind: 'answer' as const, sdp: 'v=0 answer' };
    await winnerNode.broker.handle(winner.session, { type: 'call.signal', callId: 'cross-node-call-1', signal: answer });
    await vi.waitFor(() => expect(framesOf(tab, 'call.signal').map((f) => f.signal)).toEqual([answer]));
    // The one who lost the race is no participant: nothing it signals is forwarded.
    await expect(
      (loser === ann ? b : c).broker.handle(loser.session, { type: 'call.signal', callId: 'cross-node-call-1', signal: offer }),
    ).rejects.toMatchObject({ code: 'call_not_found' });

    await winnerNode.broker.handle(winner.session, { type: 'call.end', callId: 'cross-node-call-1', reason: 'hangup' });
    await vi.waitFor(() => expect(framesOf(tab, 'call.state').at(-1)?.call).toMatchObject({ phase: 'ended', endReason: 'hangup' }));
    const lines = (await storage.listMessages(conversation!.id, 0, 20)).map((m) => m.text);
    expect(lines.filter((t) => t === 'The visitor started a call')).toHaveLength(1);
    expect(lines.filter((t) => t.endsWith('answered the call'))).toHaveLength(1);
    expect(lines.some((t) => t.startsWith('Call ended ·'))).toBe(true);
  });

  it('ends a visitor’s call as declined once every agent it rang, on any node, declined it', async () => {
    const { storage, nodes } = await cluster(3);
    const [a, b, c] = nodes as [Node, Node, Node];
    const tab = await visitorOn(a, storage);
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'call-to-decline', text: 'Call me' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    const ann = await b.connect({ role: 'agent', agentId: 'agent1' });
    const bo = await c.connect({ role: 'agent', agentId: 'agent2' });
    await vi.waitFor(() => expect(framesOf(tab, 'presence').at(-1)).toEqual({ type: 'presence', agentsOnline: 2 }));
    await a.broker.handle(tab.session, { type: 'call.start', conversationId: conversation!.id, callId: 'declined-everywhere' });
    await vi.waitFor(() => expect(framesOf(bo, 'call.state').at(-1)?.call.phase).toBe('ringing'));

    await b.broker.handle(ann.session, { type: 'call.decline', callId: 'declined-everywhere' });
    await vi.waitFor(() => expect(framesOf(ann, 'call.state').at(-1)?.call).toMatchObject({ phase: 'ended', endReason: 'declined' }));
    // Still ringing for the agent who has not answered.
    expect(framesOf(tab, 'call.state').at(-1)?.call.phase).toBe('ringing');
    await c.broker.handle(bo.session, { type: 'call.decline', callId: 'declined-everywhere' });
    await vi.waitFor(() => expect(framesOf(tab, 'call.state').at(-1)?.call).toMatchObject({ phase: 'ended', endReason: 'declined' }));
  });

  it('ends a call whose node went down on the other nodes, with its line on the timeline once', async () => {
    const { storage, nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const tab = await visitorOn(a, storage);
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'call-then-crash', text: 'Call me' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    const ann = await b.connect({ role: 'agent', agentId: 'agent1' });
    await a.broker.handle(tab.session, { type: 'call.start', conversationId: conversation!.id, callId: 'owner-dies-call' });
    await vi.waitFor(() => expect(framesOf(ann, 'call.state').at(-1)?.call.phase).toBe('ringing'));

    a.broker.close();
    await a.bus.close();
    await vi.waitFor(() => expect(framesOf(ann, 'call.state').at(-1)?.call).toMatchObject({ phase: 'ended', endReason: 'disconnected' }));
    await vi.waitFor(async () =>
      expect((await storage.listMessages(conversation!.id, 0, 20)).filter((m) => m.text === 'Call ended: the connection was lost')).toHaveLength(1),
    );
  });

  it('co-browses with the visitor on one node and the agent on another, through a page load that lands on a third', async () => {
    const { storage, nodes } = await cluster(3);
    const [a, b, c] = nodes as [Node, Node, Node];
    const tab = await visitorOn(a, storage);
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'show-me-page', text: 'Where is the button?' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    const conversationId = conversation!.id;
    const ann = await b.connect({ role: 'agent', agentId: 'agent1' });
    await b.broker.handle(ann.session, { type: 'conversation.open', conversationId });

    await b.broker.handle(ann.session, { type: 'cobrowse.request', conversationId, scope: 'view' });
    await vi.waitFor(() => expect(framesOf(tab, 'cobrowse.state').at(-1)?.status).toMatchObject({ view: 'requested', source: false }));
    const requestId = framesOf(tab, 'cobrowse.state').at(-1)!.status.requestId!;
    await a.broker.handle(tab.session, { type: 'cobrowse.consent', conversationId, requestId, granted: true, tab: 'tab-one' });
    await vi.waitFor(() => expect(framesOf(tab, 'cobrowse.state').at(-1)?.status).toMatchObject({ view: 'active', source: true }));

    await b.broker.handle(ann.session, { type: 'cobrowse.join', conversationId });
    // The owner asks the sharing tab (on another node) for a full snapshot.
    await vi.waitFor(() => expect(framesOf(tab, 'cobrowse.snapshot')).toHaveLength(1));
    const batch = { type: 'cobrowse.events' as const, conversationId, stream: 'stream-1', seq: 0, full: true, data: '[{"type":2}]' };
    await a.broker.handle(tab.session, batch);
    await vi.waitFor(() => expect(framesOf(ann, 'cobrowse.events').map((f) => f.data)).toEqual(['[{"type":2}]']));
    await b.broker.handle(ann.session, { type: 'cobrowse.pointer', conversationId, kind: 'pointer', node: 1, x: 10, y: 20 });
    await vi.waitFor(() => expect(framesOf(tab, 'cobrowse.pointer').at(-1)).toMatchObject({ x: 10, y: 20, agentName: 'Ann' }));

    // A full page load: the tab's connection closes, and the new one lands on node C.
    await a.broker.disconnect(tab.session);
    const back = await c.connect({ role: 'visitor', visitorId: tab.session.subjectId, siteId: 'site1' }, { tab: 'tab-one' });
    expect(back.frames[0]).toMatchObject({ type: 'welcome', cobrowse: [expect.objectContaining({ view: 'active', source: true })] });
    await c.broker.handle(back.session, { ...batch, stream: 'stream-2', data: '[{"type":2,"after":"reload"}]' });
    await vi.waitFor(() => expect(framesOf(ann, 'cobrowse.events').map((f) => f.stream)).toEqual(['stream-1', 'stream-2']));
    expect(framesOf(ann, 'cobrowse.state').at(-1)?.status).toMatchObject({ view: 'active', live: true });
    // Another tab, not the one that consented, streams nothing.
    const other = await a.connect({ role: 'visitor', visitorId: tab.session.subjectId, siteId: 'site1' });
    await expect(a.broker.handle(other.session, { ...batch, stream: 'stream-3' })).rejects.toMatchObject({ code: 'cobrowse_no_consent' });

    // The sharing's node goes down: the visitor's tab sees it over, and the timeline says so once.
    b.broker.close();
    await b.bus.close();
    await vi.waitFor(() => expect(framesOf(back, 'cobrowse.state').at(-1)?.status).toMatchObject({ view: 'off' }));
    await vi.waitFor(async () =>
      expect((await storage.listMessages(conversationId, 0, 30)).filter((m) => m.text === 'Screen sharing ended: the connection was lost')).toHaveLength(1),
    );
  });

  it('drops a node’s visitors and agents when it goes down, and tells the others', async () => {
    const { storage, nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const tab = await visitorOn(a, storage);
    const ann = await b.connect({ role: 'agent', agentId: 'agent1' });
    const watcher = await a.connect({ role: 'agent', agentId: 'agent2' });
    await vi.waitFor(() => expect(framesOf(tab, 'presence').at(-1)).toEqual({ type: 'presence', agentsOnline: 2 }));
    const visitorOnB = await visitorOn(b, storage);

    // Node B stops without a word (its bus goes silent, as a killed process's would).
    b.broker.close();
    await b.bus.close();
    await vi.waitFor(() => expect(framesOf(tab, 'presence').at(-1)).toEqual({ type: 'presence', agentsOnline: 1 }));
    await vi.waitFor(() =>
      expect(framesOf(watcher, 'visitor.updated').some((f) => f.visitor.id === visitorOnB.session.subjectId && !f.visitor.online)).toBe(true),
    );
    expect(ann.closes).toEqual([]);
  });

  it('lets a node whose store is already closed see another node go down without failing', async () => {
    const { storage, nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const agent = await a.connect({ role: 'agent', agentId: 'agent1' });
    await visitorOn(b, storage);
    // Node A is shutting down: its store is closed while its bus still hears the others. Its
    // work for B's going down (announcing B's visitors offline) meets the closed store, which
    // must end quietly, not as an unhandled rejection that would crash the process.
    await a.storage.close();
    b.broker.close();
    await b.bus.close();
    await vi.waitFor(() => expect(a.bus.nodes()).toHaveLength(1));
    // The store's refusal comes back within a turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(agent.closes).toEqual([]);
  });
});
