import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CobrowseEventsFrame, type ServerFrame } from '@parley/protocol';
import type { Envelope, Topic } from '../../bus/bus.js';
import type { Conversation } from '../../storage/storage.js';
import { Registry } from '../registry.js';
import { Session } from '../session.js';
import { CobrowseHub } from './hub.js';
import type { Sharing } from './sharing.js';

const MAX = 4000;

interface FakePeer {
  session: Session;
  frames: ServerFrame[];
  link: { id: string; bufferedAmount: number; closeWith(): void; sendText(text: string): void };
}

function setup() {
  const registry = new Registry();
  const published: Envelope[] = [];
  let time = 10_000;
  const hub = new CobrowseHub({
    limits: { ...DEFAULT_LIMITS, maxBufferedBytes: MAX },
    registry,
    publish: (topics: Topic[], frame: ServerFrame) => void published.push({ topics, frame }),
    now: () => time,
  });
  let n = 0;
  const peer = (identity: { role: 'visitor'; visitorId: string } | { role: 'agent'; agentId: string }): FakePeer => {
    const frames: ServerFrame[] = [];
    const link = { id: `p${++n}`, bufferedAmount: 0, closeWith: () => undefined, sendText: (text: string) => void frames.push(JSON.parse(text) as ServerFrame) };
    const session = new Session(link, identity.role === 'visitor' ? { ...identity, siteId: 's1' } : identity);
    if (identity.role === 'visitor') registry.join(session, `visitor:${identity.visitorId}`);
    return { session, frames, link };
  };
  const conversation: Conversation = {
    id: 'c1', siteId: 's1', visitorId: 'v1', status: 'open', assigneeId: 'a1', createdAt: 1, updatedAt: 1,
    lastSeq: 0, lastMessage: null, visitorReadSeq: 0, agentReadSeq: 0, resolvedAt: null,
  } as Conversation;
  return { hub, registry, published, peer, conversation, advance: (ms: number) => (time += ms) };
}

/** Makes `tab` the source of the conversation's sharing, as a granted request would. */
function share(hub: CobrowseHub, conversation: Conversation, tab: Session): Sharing {
  const requestId = `req-${conversation.id}`;
  hub.apply(conversation, { type: 'request', scope: 'view', agentId: 'a1', agentName: 'Ann', requestId });
  return hub.apply(conversation, { type: 'consent', connection: tab.id, requestId, granted: true, tab: 'tab-1' }, tab).sharing!;
}

/** An agent connection starts watching. */
function watch(hub: CobrowseHub, conversation: Conversation, agent: Session): void {
  hub.apply(conversation, { type: 'watcher-joined', connection: agent.id }, agent);
}

function batch(seq: number, full = false): CobrowseEventsFrame {
  return { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-0001', seq, data: `[${seq}]`, ...(full ? { full } : {}) };
}

describe('CobrowseHub', () => {
  it('tells each visitor tab its own source flag and the agents whether the source is live', () => {
    const { hub, peer, published, conversation } = setup();
    const tab1 = peer({ role: 'visitor', visitorId: 'v1' });
    const tab2 = peer({ role: 'visitor', visitorId: 'v1' });
    const sharing = share(hub, conversation, tab1.session);
    hub.deliver(sharing, conversation);
    expect(tab1.frames).toEqual([{ type: 'cobrowse.state', status: expect.objectContaining({ view: 'active', source: true }) }]);
    expect(tab2.frames).toEqual([{ type: 'cobrowse.state', status: expect.objectContaining({ view: 'active', source: false }) }]);
    expect(published).toEqual([
      { topics: ['conversation:c1', 'agent:a1'], frame: { type: 'cobrowse.state', status: expect.objectContaining({ live: true }) } },
    ]);
    hub.apply(conversation, { type: 'connection-closed', connection: tab1.session.id }, tab1.session);
    expect(hub.agentStatus('c1').live).toBe(false);
    expect(hub.ofVisitor('v1')).toEqual([sharing]);
    hub.close();
  });

  it('serialises a batch once and sends the same text to every watcher', () => {
    const { hub, peer, conversation } = setup();
    const source = peer({ role: 'visitor', visitorId: 'v1' });
    const texts: string[] = [];
    const watchers = [peer({ role: 'agent', agentId: 'a1' }), peer({ role: 'agent', agentId: 'a2' })];
    const sharing = share(hub, conversation, source.session);
    for (const w of watchers) {
      watch(hub, conversation, w.session);
      w.link.sendText = (text) => void texts.push(text);
    }
    hub.forward(sharing, batch(0, true));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(texts[1]);
    expect(JSON.parse(texts[0]!)).toEqual(batch(0, true));
    hub.close();
  });

  it('skips a slow watcher while others keep receiving, then resyncs it from the checkpoint', async () => {
    const { hub, peer, conversation } = setup();
    const source = peer({ role: 'visitor', visitorId: 'v1' });
    const fast = peer({ role: 'agent', agentId: 'a1' });
    const slow = peer({ role: 'agent', agentId: 'a2' });
    const sharing = share(hub, conversation, source.session);
    watch(hub, conversation, fast.session);
    watch(hub, conversation, slow.session);
    hub.forward(sharing, batch(0, true));

    slow.link.bufferedAmount = MAX / 4 + 1;
    hub.forward(sharing, batch(1));
    hub.forward(sharing, batch(2));
    const seqs = (p: FakePeer): number[] => p.frames.flatMap((f) => (f.type === 'cobrowse.events' ? [f.seq] : []));
    expect(seqs(fast)).toEqual([0, 1, 2]);
    expect(seqs(slow)).toEqual([0]);
    expect(sharing.watchers.get(slow.session)!.mode).toBe('behind');

    slow.link.bufferedAmount = 0;
    // The hub notices the drained link on its own poll: wait for the resync, however loaded the machine.
    await expect.poll(() => seqs(slow)).toEqual([0, 0, 1, 2]);
    hub.forward(sharing, batch(3));
    expect(seqs(slow)).toEqual([0, 0, 1, 2, 3]);
    hub.close();
  });

  it('asks the source for a snapshot at most once a second', () => {
    const { hub, peer, conversation, advance } = setup();
    const source = peer({ role: 'visitor', visitorId: 'v1' });
    const sharing = share(hub, conversation, source.session);
    expect(sharing.askSnapshot(10_000)).toBe(true);
    hub.forward(sharing, batch(5));
    advance(999);
    expect(sharing.askSnapshot(10_999)).toBe(false);
    expect(sharing.askSnapshot(11_000)).toBe(true);
    expect(source.frames.filter((f) => f.type === 'cobrowse.snapshot')).toHaveLength(2);
    hub.close();
  });

  it('forgets a sharing that ends, with its watchers and indexes', () => {
    const { hub, peer, conversation } = setup();
    const source = peer({ role: 'visitor', visitorId: 'v1' });
    const agent = peer({ role: 'agent', agentId: 'a1' });
    const sharing = share(hub, conversation, source.session);
    watch(hub, conversation, agent.session);
    expect(hub.ofSession(agent.session)).toEqual([sharing]);
    hub.apply(conversation, { type: 'end', role: 'agent', scope: 'view', agentName: 'Ann' });
    expect(hub.size).toBe(0);
    expect(hub.get('c1')).toBeUndefined();
    expect(hub.ofSession(agent.session)).toEqual([]);
    expect(hub.ofSession(source.session)).toEqual([]);
    expect(hub.ofVisitor('v1')).toEqual([]);
    expect(sharing.status()).toMatchObject({ view: 'off', control: 'off', agentName: null });
  });

  it('stops request and resume timers when the relay closes', async () => {
    const { hub, peer, conversation } = setup();
    const source = peer({ role: 'visitor', visitorId: 'v1' });
    const fired: string[] = [];
    hub.onTimer = (_sharing, event) => void fired.push(event.type);
    const sharing = hub.apply(conversation, { type: 'request', scope: 'view', agentId: 'a1', agentName: 'Ann', requestId: 'req-1' }).sharing!;
    const c2 = { ...conversation, id: 'c2' };
    const other = share(hub, c2, source.session);
    hub.apply(c2, { type: 'connection-closed', connection: source.session.id }, source.session);
    expect(sharing.requestTimer).not.toBeNull();
    expect(other.resumeTimer).not.toBeNull();
    hub.close();
    expect(sharing.requestTimer).toBeNull();
    expect(other.resumeTimer).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual([]);
  });
});
