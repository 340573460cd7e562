import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('chat delivery', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ limits: { maxSyncBatch: 5 } });
  });
  afterAll(() => relay.stop());

  async function visitorTab(token?: string): Promise<{ client: TestClient; token: string }> {
    const t = token ?? (await visitorToken(relay)).token;
    const client = new TestClient(relay, t, PAGE_ORIGIN);
    await client.hello();
    return { client, token: t };
  }

  it('acks only after the message is stored, with seqs in order', async () => {
    const { client } = await visitorTab();
    for (let i = 1; i <= 3; i++) client.send({ type: 'chat.send', clientId: `order-msg-${i}`, text: `m${i}` });
    const acks = [await client.next('chat.ack'), await client.next('chat.ack'), await client.next('chat.ack')];
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);
    expect(acks.map((a) => a.clientId)).toEqual(['order-msg-1', 'order-msg-2', 'order-msg-3']);
    const stored = await relay.storage.listMessages(acks[0]!.conversationId, 0, 10);
    expect(stored.map((m) => [m.seq, m.text])).toEqual([[1, 'm1'], [2, 'm2'], [3, 'm3']]);
    client.close();
  });

  it('acks a retried client id with the same seq and stores it once', async () => {
    const { client, token } = await visitorTab();
    client.send({ type: 'chat.send', clientId: 'retry-me-1', text: 'once' });
    const first = await client.next('chat.ack');
    client.close();
    const { client: again } = await visitorTab(token);
    again.send({ type: 'chat.send', clientId: 'retry-me-1', text: 'once' });
    const second = await again.next('chat.ack');
    expect(second).toMatchObject({ seq: first.seq, messageId: first.messageId, conversationId: first.conversationId });
    expect(await relay.storage.listMessages(first.conversationId, 0, 10)).toHaveLength(1);
    again.close();
  });

  it('replays what was missed on resume, in batches', async () => {
    const { client, token } = await visitorTab();
    client.send({ type: 'chat.send', clientId: 'resume-0001', text: 'first' });
    const { conversationId } = await client.next('chat.ack');
    client.close();

    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    for (let i = 0; i < 6; i++) agent.send({ type: 'chat.send', clientId: `agent-resume-${i}`, conversationId, text: `reply ${i}` });
    for (let i = 0; i < 6; i++) await agent.next('chat.ack');

    const resumed = new TestClient(relay, token, PAGE_ORIGIN);
    await resumed.hello({ resume: { [conversationId]: 1 } });
    const batch = await resumed.next('chat.messages');
    expect(batch.complete).toBe(false);
    expect(batch.messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    resumed.send({ type: 'chat.sync', conversationId, afterSeq: 6 });
    const rest = await resumed.next('chat.messages');
    expect(rest.complete).toBe(true);
    expect(rest.messages.map((m) => m.seq)).toEqual([7, 8]);
    expect(rest.messages.at(-1)!.text).toBe('reply 5');
    resumed.close();
    agent.close();
  });

  it('delivers a message to every tab of the visitor and to the agent who owns the conversation', async () => {
    const { client: tab1, token } = await visitorTab();
    const { client: tab2 } = await visitorTab(token);
    tab1.send({ type: 'chat.send', clientId: 'tabs-msg-1', text: 'hello from tab 1' });
    const ack = await tab1.next('chat.ack');
    expect((await tab2.next('chat.message')).message.text).toBe('hello from tab 1');

    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    agent.send({ type: 'chat.send', clientId: 'tabs-reply-1', conversationId: ack.conversationId, text: 'hi both' });
    for (const tab of [tab1, tab2]) {
      expect((await tab.next('chat.message', (f) => f.message.author === 'agent')).message.text).toBe('hi both');
    }
    tab2.send({ type: 'chat.send', clientId: 'tabs-msg-2', text: 'from tab 2' });
    expect((await agent.next('chat.message', (f) => f.message.text === 'from tab 2')).message.seq).toBeGreaterThan(2);
    tab1.send({ type: 'chat.typing', conversationId: ack.conversationId, typing: true });
    expect(await agent.next('chat.typing')).toMatchObject({ from: 'visitor', typing: true });
    tab1.close();
    tab2.close();
    agent.close();
  });

  it('refuses a visitor reaching for another visitor’s conversation', async () => {
    const { client: owner } = await visitorTab();
    owner.send({ type: 'chat.send', clientId: 'owner-msg-1', text: 'mine' });
    const { conversationId } = await owner.next('chat.ack');
    const { client: intruder, token } = await visitorTab();
    intruder.send({ type: 'chat.send', clientId: 'intrude-1', conversationId, text: 'yours?' });
    expect(await intruder.next('error')).toMatchObject({ code: 'forbidden', ref: 'intrude-1' });
    intruder.send({ type: 'chat.sync', conversationId, afterSeq: 0 });
    expect((await intruder.next('error')).code).toBe('forbidden');
    intruder.close();
    const again = new TestClient(relay, token, PAGE_ORIGIN);
    await again.hello({ resume: { [conversationId]: 0 } });
    expect(await again.next('error')).toMatchObject({ code: 'forbidden', ref: conversationId });
    expect(again.frames.some((f) => f.type === 'chat.messages')).toBe(false);
    expect(await relay.storage.listMessages(conversationId, 0, 10)).toHaveLength(1);
    again.close();
    owner.close();
  });

  it('stores read receipts and tells the other side', async () => {
    const { client } = await visitorTab();
    client.send({ type: 'chat.send', clientId: 'read-msg-1', text: 'read me' });
    const { conversationId } = await client.next('chat.ack');
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    agent.send({ type: 'conversation.open', conversationId });
    await agent.next('conversation.detail');
    agent.send({ type: 'chat.read', conversationId, seq: 99 });
    expect(await client.next('chat.read')).toEqual({ type: 'chat.read', conversationId, seq: 1, by: 'agent' });
    expect((await relay.storage.getConversation(conversationId))!.agentReadSeq).toBe(1);
    client.close();
    agent.close();
  });
});
