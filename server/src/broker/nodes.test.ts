/**
 * Several brokers over one store stand for several relay nodes: what must hold across nodes
 * (one open conversation per visitor, one agent taking a waiting conversation) is held by the
 * store's conditional writes, not by a lock inside one broker.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { createAnonymousVisitor } from './identity.js';
import { testBroker, testStorage } from './test-broker.js';

/** Two brokers ("nodes") on one store, with a second agent of the site. */
async function twoNodes() {
  const storage = await testStorage();
  await storage.createAgent({ id: 'agent2', email: 'b@x', name: 'Bo', role: 'agent', passwordHash: 'x', createdAt: 1 });
  await storage.addAgentSites('agent2', ['site1']);
  const a = await testBroker({ storage });
  const b = await testBroker({ storage });
  return { storage, a, b };
}

const systemLines = (messages: Message[]) => messages.filter((m) => m.author === 'system').map((m) => m.text);

describe('brokers on one store (relay nodes)', () => {
  it('starts one conversation when a visitor’s tabs on two nodes send their first message at once', async () => {
    const { storage, a, b } = await twoNodes();
    const visitor = await createAnonymousVisitor(storage, 'site1', 1);
    const identity = { role: 'visitor' as const, visitorId: visitor.id, siteId: 'site1' };
    const tabs = [await a.connect(identity), await b.connect(identity), await a.connect(identity), await b.connect(identity)];
    await Promise.all(
      tabs.map((tab, i) => (i % 2 === 0 ? a : b).broker.handle(tab.session, { type: 'chat.send', clientId: `first-${i}-message`, text: `tab ${i}` })),
    );
    const conversations = await storage.listConversations({ visitorId: visitor.id, limit: 10 });
    expect(conversations).toHaveLength(1);
    const stored = await storage.listMessages(conversations[0]!.id, 0, 10);
    expect(stored.map((m) => m.text).sort()).toEqual(['tab 0', 'tab 1', 'tab 2', 'tab 3']);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('gives a waiting conversation to one of two agents answering it at once on two nodes', async () => {
    const { storage, a, b } = await twoNodes();
    const visitor = await createAnonymousVisitor(storage, 'site1', 1);
    const tab = await a.connect({ role: 'visitor', visitorId: visitor.id, siteId: 'site1' });
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'question-message', text: 'anyone?' });
    const [conversation] = await storage.listConversations({ visitorId: visitor.id, limit: 1 });
    const ann = await a.connect({ role: 'agent', agentId: 'agent1' });
    const bo = await b.connect({ role: 'agent', agentId: 'agent2' });

    await Promise.all([
      a.broker.handle(ann.session, { type: 'chat.send', conversationId: conversation!.id, clientId: 'ann-answer-1', text: 'Ann here' }),
      b.broker.handle(bo.session, { type: 'chat.send', conversationId: conversation!.id, clientId: 'bo-answer-01', text: 'Bo here' }),
    ]);

    const stored = await storage.listMessages(conversation!.id, 0, 10);
    const joined = systemLines(stored).filter((text) => text.endsWith('joined the conversation'));
    expect(joined).toHaveLength(1);
    const winner = (await storage.getConversation(conversation!.id))!.assigneeId;
    expect(joined[0]).toBe(winner === 'agent1' ? 'Ann joined the conversation' : 'Bo joined the conversation');
    // Both answers are stored and acked: the one who lost the race still answered.
    expect(stored.filter((m) => m.author === 'agent').map((m) => m.text).sort()).toEqual(['Ann here', 'Bo here']);
    expect(ann.frames.some((f) => f.type === 'chat.ack')).toBe(true);
    expect(bo.frames.some((f) => f.type === 'chat.ack')).toBe(true);
  });

  it('reopens a resolved conversation once when the visitor writes into it from two nodes at once', async () => {
    const { storage, a, b } = await twoNodes();
    const visitor = await createAnonymousVisitor(storage, 'site1', 1);
    const identity = { role: 'visitor' as const, visitorId: visitor.id, siteId: 'site1' };
    const tabA = await a.connect(identity);
    const tabB = await b.connect(identity);
    await a.broker.handle(tabA.session, { type: 'chat.send', clientId: 'before-resolve', text: 'thanks' });
    const [conversation] = await storage.listConversations({ visitorId: visitor.id, limit: 1 });
    const ann = await a.connect({ role: 'agent', agentId: 'agent1' });
    await a.broker.handle(ann.session, { type: 'conversation.resolve', conversationId: conversation!.id });

    await Promise.all([
      a.broker.handle(tabA.session, { type: 'chat.send', conversationId: conversation!.id, clientId: 'again-from-a', text: 'one more thing' }),
      b.broker.handle(tabB.session, { type: 'chat.send', conversationId: conversation!.id, clientId: 'again-from-b', text: 'and another' }),
    ]);

    const lines = systemLines(await storage.listMessages(conversation!.id, 0, 20));
    expect(lines.filter((text) => text === 'The visitor reopened the conversation')).toHaveLength(1);
    expect((await storage.getConversation(conversation!.id))!.status).toBe('open');
  });
});
