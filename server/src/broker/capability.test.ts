import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, PROTOCOL_VERSION, type ServerFrame } from '@parley/protocol';
import { MemoryBus } from '../bus/memory-bus.js';
import { Broker } from './broker.js';
import { chat, inbox } from './capabilities.js';
import { FrameRouter, type Capability, type CapabilityFactory } from './capability.js';
import { createAnonymousVisitor } from './identity.js';
import { testStorage } from './test-broker.js';

/** A capability that records the hooks it was called for. */
function recorder(calls: string[]): CapabilityFactory {
  return () => ({
    name: 'recorder',
    routes: {},
    welcome: (session) => {
      calls.push(`welcome ${session.role}`);
      return { callbacks: [] };
    },
    detail: (conversation) => {
      calls.push(`detail ${conversation.id}`);
      return {};
    },
    onResolve: async (conversation, agentName) => void calls.push(`resolve ${conversation.id} by ${agentName}`),
    onLeave: async (session) => void calls.push(`leave ${session.role}`),
    close: () => void calls.push('close'),
  });
}

async function brokerWith(capabilities: CapabilityFactory[]) {
  const storage = await testStorage();
  const broker = new Broker({
    storage,
    bus: new MemoryBus(),
    limits: DEFAULT_LIMITS,
    settings: { inboxPageSize: 50, contextPageSize: 50, maxOpenConversations: 5, scopeRefreshMs: 0 },
    log: { info: () => undefined, error: () => undefined },
    issueVisitorToken: (visitorId) => `token-${visitorId}`,
    capabilities,
  });
  const connect = async (identity: Parameters<Broker['connect']>[1], id: string) => {
    const frames: ServerFrame[] = [];
    const session = broker.connect({ id, bufferedAmount: 0, sendText: (text) => void frames.push(JSON.parse(text) as ServerFrame), closeWith: () => undefined }, identity);
    await broker.hello(session, { type: 'hello', v: PROTOCOL_VERSION });
    return { session, frames };
  };
  return { storage, broker, connect };
}

describe('capabilities', () => {
  it('refuses two capabilities handling one frame type', () => {
    const one: Capability = { name: 'one', routes: { 'chat.send': { from: 'both', handle: async () => undefined } } };
    const two: Capability = { name: 'two', routes: { 'chat.send': { from: 'visitor', handle: async () => undefined } } };
    expect(() => new FrameRouter([one, two])).toThrow(/Two capabilities handle chat\.send; the second is two/);
  });

  it('routes a frame only from the role its capability takes it from', () => {
    const router = new FrameRouter([{ name: 'one', routes: { 'inbox.list': { from: 'agent', handle: async () => undefined } } }]);
    expect(router.route({ type: 'inbox.list', view: 'open' }, 'agent')).toBeDefined();
    expect(router.route({ type: 'inbox.list', view: 'open' }, 'visitor')).toBeUndefined();
  });

  it('refuses the frames of a capability the broker was built without, and runs every hook of those it has', async () => {
    const calls: string[] = [];
    const { storage, broker, connect } = await brokerWith([chat, inbox, recorder(calls)]);
    const visitor = await createAnonymousVisitor(storage, 'site1', 1);
    const tab = await connect({ role: 'visitor', visitorId: visitor.id, siteId: 'site1' }, 'tab');
    const agent = await connect({ role: 'agent', agentId: 'agent1' }, 'agent');
    expect(tab.frames[0]).toMatchObject({ type: 'welcome', callbacks: [] });
    expect(agent.frames[0]).toMatchObject({ type: 'welcome', callbacks: [] });

    await expect(broker.handle(agent.session, { type: 'cobrowse.request', conversationId: 'c', scope: 'view' })).rejects.toMatchObject({ code: 'unknown_type' });

    await broker.handle(tab.session, { type: 'chat.send', clientId: 'hooks-message-1', text: 'hi' });
    const [conversation] = await storage.listConversations({ visitorId: visitor.id, limit: 1 });
    await broker.handle(agent.session, { type: 'conversation.open', conversationId: conversation!.id });
    const detail = agent.frames.find((f) => f.type === 'conversation.detail');
    expect(detail).toMatchObject({ cobrowse: { view: 'off' } });
    await broker.handle(agent.session, { type: 'conversation.resolve', conversationId: conversation!.id });
    await broker.disconnect(tab.session);
    broker.close();

    expect(calls).toEqual([
      'welcome visitor',
      'welcome agent',
      `detail ${conversation!.id}`,
      `resolve ${conversation!.id} by Ann`,
      'leave visitor',
      'close',
    ]);
  });
});
