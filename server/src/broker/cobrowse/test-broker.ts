/** A broker over in-memory storage with fake connections, for the co-browse unit tests. */
import type { CobrowseStatus, Limits } from '@parley/protocol';
import type { Storage } from '../../storage/storage.js';
import { createAnonymousVisitor } from '../identity.js';
import { testBroker, type TestPeer } from '../test-broker.js';

export type { TestPeer };

/** A broker with one site, one agent (`Ann`), a visitor and a conversation of theirs. */
export async function cobrowseBroker(limits: Partial<Limits> = {}) {
  const { storage, broker, site, connect } = await testBroker({ limits, settings: { announceWindowMs: 0 } });
  const visitorRecord = await createAnonymousVisitor(storage, site.id, 1);
  const visitor = (tab?: string) => connect({ role: 'visitor', visitorId: visitorRecord.id, siteId: site.id }, tab === undefined ? {} : { tab });
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
export async function systemTexts(storage: Storage, conversationId: string): Promise<string[]> {
  return (await storage.listMessages(conversationId, 0, 100)).filter((m) => m.author === 'system').map((m) => m.text);
}
