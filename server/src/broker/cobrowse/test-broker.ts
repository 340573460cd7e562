/** A broker over in-memory storage with fake connections, for the co-browse unit tests. */
import { DEFAULT_LIMITS, PROTOCOL_VERSION, type CobrowseStatus, type Limits, type ServerFrame } from '@parley/protocol';
import { MemoryBus } from '../../bus/memory-bus.js';
import { MemoryStorage } from '../../storage/memory-storage.js';
import { Broker } from '../broker.js';
import { createAnonymousVisitor } from '../identity.js';
import type { PeerIdentity, Session } from '../session.js';

/** One fake connection: its session and every frame it was sent. */
export interface TestPeer {
  session: Session;
  frames: ServerFrame[];
  link: { id: string; bufferedAmount: number; sendText(text: string): void };
}

/** A broker with one site, one agent (`Ann`), a visitor and a conversation of theirs. */
export async function cobrowseBroker(limits: Partial<Limits> = {}) {
  const storage = new MemoryStorage();
  await storage.migrate();
  const site = await storage.createSite({ id: 'site1', key: 'demo', name: 'Demo', secret: 's', allowedOrigins: [], createdAt: 1 });
  await storage.createAgent({ id: 'agent1', email: 'a@x', name: 'Ann', role: 'agent', passwordHash: 'x', createdAt: 1 });
  const broker = new Broker({
    storage,
    bus: new MemoryBus(),
    limits: { ...DEFAULT_LIMITS, ...limits },
    settings: { inboxPageSize: 50, contextPageSize: 50, maxOpenConversations: 5, announceWindowMs: 0 },
    log: { info: () => undefined, error: () => undefined },
    issueVisitorToken: (visitorId) => `token-${visitorId}`,
  });
  let n = 0;
  const connect = async (identity: PeerIdentity, tab?: string): Promise<TestPeer> => {
    const frames: ServerFrame[] = [];
    const link = { id: `c${++n}`, bufferedAmount: 0, sendText: (t: string) => void frames.push(JSON.parse(t) as ServerFrame) };
    const session = broker.connect(link, identity);
    await broker.hello(session, tab === undefined ? { type: 'hello', v: PROTOCOL_VERSION } : { type: 'hello', v: PROTOCOL_VERSION, tab });
    return { session, frames, link };
  };
  const visitorRecord = await createAnonymousVisitor(storage, site.id, 1);
  const visitor = (tab?: string) => connect({ role: 'visitor', visitorId: visitorRecord.id, siteId: site.id }, tab);
  const agent = () => connect({ role: 'agent', agentId: 'agent1' });
  const first = await visitor();
  await broker.handle(first.session, { type: 'chat.send', clientId: 'first-message-1', text: 'hello' });
  const [conversation] = await storage.listConversations({ visitorId: visitorRecord.id, limit: 1 });
  return { storage, broker, visitor, agent, first, conversationId: conversation!.id };
}

/** The latest `cobrowse.state` a peer was sent. */
export function lastState(peer: TestPeer) {
  let status: CobrowseStatus | undefined;
  for (const frame of peer.frames) {
    // A connection learns the state from its welcome first, then from `cobrowse.state` frames.
    if (frame.type === 'cobrowse.state') status = frame.status;
    else if (frame.type === 'welcome' && frame.cobrowse?.length) status = frame.cobrowse[0];
  }
  return status;
}

/** The system messages of a conversation, oldest first. */
export async function systemTexts(storage: MemoryStorage, conversationId: string): Promise<string[]> {
  return (await storage.listMessages(conversationId, 0, 100)).filter((m) => m.author === 'system').map((m) => m.text);
}
