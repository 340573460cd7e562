/** A broker over in-memory storage with fake connections that keep every frame, for unit tests. */
import { DEFAULT_LIMITS, PROTOCOL_VERSION, type ErrorCode, type HelloFrame, type Limits, type ServerFrame } from '@parley/protocol';
import { MemoryBus } from '../bus/memory-bus.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { Broker } from './broker.js';
import type { CallHub } from './call/hub.js';
import type { CallsCapability, CobrowseCapability } from './capabilities.js';
import type { CobrowseHub } from './cobrowse/hub.js';
import type { BrokerSettings } from './context.js';
import type { PeerIdentity, Session } from './session.js';

/** One fake connection: its session, its link and every frame it was sent. */
export interface TestPeer {
  session: Session;
  frames: ServerFrame[];
  link: { id: string; bufferedAmount: number; sendText(text: string): void; closeWith(code: ErrorCode): void };
  /** The error codes the broker closed the connection with. */
  closes: ErrorCode[];
}

/** A store with one site (`site1`, key `demo`) and one agent of it (`agent1`, `Ann`). */
export async function testStorage(): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  await storage.migrate();
  const site = await storage.createSite({ id: 'site1', key: 'demo', name: 'Demo', secret: 's', allowedOrigins: [], createdAt: 1 });
  await storage.createAgent({ id: 'agent1', email: 'a@x', name: 'Ann', role: 'agent', passwordHash: 'x', createdAt: 1 });
  await storage.addAgentSites('agent1', [site.id]);
  return storage;
}

/**
 * A broker over `testStorage()`, or over the `storage` given (one made by `testStorage`, shared
 * by several brokers standing for several relay nodes).
 */
export async function testBroker(
  options: { limits?: Partial<Limits>; settings?: Partial<BrokerSettings>; now?: () => number; storage?: MemoryStorage } = {},
) {
  const storage = options.storage ?? (await testStorage());
  const site = (await storage.getSite('site1'))!;
  const broker = new Broker({
    storage,
    bus: new MemoryBus(),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    settings: { inboxPageSize: 50, contextPageSize: 50, maxOpenConversations: 5, scopeRefreshMs: 0, ...options.settings },
    log: { info: () => undefined, error: () => undefined },
    issueVisitorToken: (visitorId) => `token-${visitorId}`,
    ...(options.now ? { now: options.now } : {}),
  });
  let n = 0;
  /** Connects a fake client and says `hello` (with `hello`'s extra fields); `id` names the connection. */
  const connect = async (identity: PeerIdentity, hello: Partial<HelloFrame> = {}, id = `c${++n}`): Promise<TestPeer> => {
    const frames: ServerFrame[] = [];
    const closes: ErrorCode[] = [];
    const link = {
      id,
      bufferedAmount: 0,
      sendText: (text: string) => void frames.push(JSON.parse(text) as ServerFrame),
      closeWith: (code: ErrorCode) => void closes.push(code),
    };
    const session = broker.connect(link, identity);
    await broker.hello(session, { ...hello, type: 'hello', v: PROTOCOL_VERSION });
    return { session, frames, link, closes };
  };
  return { storage, broker, site, connect };
}

/** The call hub of a broker (its `calls` capability). */
export function callHub(broker: Broker): CallHub {
  return broker.capability<CallsCapability>('calls')!.hub;
}

/** The co-browse hub of a broker (its `cobrowse` capability). */
export function cobrowseHub(broker: Broker): CobrowseHub {
  return broker.capability<CobrowseCapability>('cobrowse')!.hub;
}
