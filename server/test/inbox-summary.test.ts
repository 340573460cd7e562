/**
 * What an inbox row is built from, at the real relay: the last words of a person (not the
 * system lines that follow them) and whether the visitor is still on the site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('conversation summaries', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(() => relay.stop());

  it('carry the last message a person wrote and the visitor’s presence, live', async () => {
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    const { token, visitorId } = await visitorToken(relay);
    const visitor = new TestClient(relay, token, PAGE_ORIGIN);
    await visitor.hello();
    visitor.send({ type: 'chat.send', clientId: 'summary-0001', text: 'Where is my order?' });
    const { conversationId } = await visitor.next('chat.ack');
    const created = await agent.next('conversation.updated', (f) => f.conversation.id === conversationId);
    expect(created.conversation).toMatchObject({ visitorOnline: true, lastMessage: { text: 'Where is my order?', author: 'visitor' } });

    agent.send({ type: 'conversation.resolve', conversationId });
    const resolved = await agent.next('conversation.updated', (f) => f.conversation.status === 'resolved');
    agent.send({ type: 'conversation.reopen', conversationId });
    const reopened = await agent.next('conversation.updated', (f) => f.conversation.status === 'open' && f.conversation.lastSeq === 3);
    await visitor.next('chat.message', (f) => f.message.text === 'Admin reopened the conversation');
    for (const summary of [resolved.conversation, reopened.conversation]) {
      expect(summary.lastMessage).toMatchObject({ text: 'Where is my order?', author: 'visitor' });
    }

    agent.send({ type: 'chat.send', clientId: 'summary-0002', conversationId, text: 'It left the warehouse today.' });
    await agent.next('chat.ack');
    agent.send({ type: 'conversation.resolve', conversationId });
    // The agent's reply also assigned them ("Admin joined"); the resolve follows it.
    await agent.next('conversation.updated', (f) => f.conversation.status === 'resolved' && f.conversation.lastSeq > reopened.conversation.lastSeq + 1);
    agent.send({ type: 'inbox.list', view: 'resolved' });
    const listed = (await agent.next('inbox.items', (f) => f.view === 'resolved')).conversations.find((c) => c.id === conversationId);
    expect(listed).toMatchObject({ visitorOnline: true, lastMessage: { text: 'It left the warehouse today.', author: 'agent' } });

    // The visitor closes the page: agents are told, and summaries from now on say so.
    visitor.close();
    const left = await agent.next('visitor.updated', (f) => f.visitor.id === visitorId && !f.visitor.online);
    expect(left.visitor.online).toBe(false);
    agent.send({ type: 'inbox.list', view: 'resolved' });
    const after = (await agent.next('inbox.items', (f) => f.view === 'resolved')).conversations.find((c) => c.id === conversationId);
    expect(after).toMatchObject({ visitorOnline: false, lastMessage: { text: 'It left the warehouse today.' } });
    agent.close();
  });
});
