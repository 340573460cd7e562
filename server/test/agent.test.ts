import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { PAGE_ORIGIN, TestClient, adminToken, postJson, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('agent flows', () => {
  let relay: TestRelay;
  let agentToken: string;
  let agentId: string;
  beforeAll(async () => {
    relay = await startTestRelay();
    const out: string[] = [];
    const code = await runCli(
      ['agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--role', 'agent', '--password', 'ann-password', '--data-dir', relay.dataDir],
      {},
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(code).toBe(0);
    const login = await postJson(relay, '/api/login', { email: 'ann@example.com', password: 'ann-password' });
    agentToken = login.body.token as string;
    agentId = (login.body.agent as { id: string }).id;
  });
  afterAll(() => relay.stop());

  async function startConversation(text: string): Promise<{ visitor: TestClient; conversationId: string }> {
    const visitor = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    await visitor.hello({ page: { url: 'https://shop.example/pricing', title: 'Pricing' }, language: 'ko-KR' });
    visitor.send({ type: 'chat.send', clientId: `start-${text.replace(/\W/g, '')}`, text });
    const { conversationId } = await visitor.next('chat.ack');
    return { visitor, conversationId };
  }

  it('sees new conversations, opens one with its context, and assigns, resolves and reopens it', async () => {
    const agent = new TestClient(relay, agentToken, relay.publicOrigin);
    await agent.hello();
    const { visitor, conversationId } = await startConversation('need help');
    const update = await agent.next('conversation.updated', (f) => f.conversation.id === conversationId);
    expect(update.conversation).toMatchObject({ status: 'open', assigneeId: null, lastSeq: 1 });

    visitor.send({ type: 'visitor.track', event: 'cart.add', props: { sku: 'A1' } });
    expect((await agent.next('visitor.updated', (f) => f.events !== undefined)).events).toMatchObject([{ name: 'cart.add' }]);
    agent.send({ type: 'conversation.open', conversationId });
    const detail = await agent.next('conversation.detail');
    expect(detail.messages.map((m) => m.text)).toEqual(['need help']);
    expect(detail.visitor).toMatchObject({ online: true, language: 'ko-KR', currentPage: { title: 'Pricing' } });
    expect(detail.pages[0]).toMatchObject({ url: 'https://shop.example/pricing' });
    expect(detail.events[0]).toMatchObject({ name: 'cart.add', props: { sku: 'A1' } });

    agent.send({ type: 'conversation.assign', conversationId });
    expect((await agent.next('conversation.updated', (f) => f.conversation.assigneeId === agentId)).conversation.assigneeName).toBe('Ann');
    expect((await visitor.next('chat.message')).message).toMatchObject({ author: 'system', text: 'Ann joined the conversation' });

    agent.send({ type: 'conversation.resolve', conversationId });
    await agent.next('conversation.updated', (f) => f.conversation.status === 'resolved');
    expect((await visitor.next('chat.message')).message.text).toBe('Ann resolved the conversation');

    agent.send({ type: 'conversation.reopen', conversationId });
    await agent.next('conversation.updated', (f) => f.conversation.status === 'open');
    expect((await visitor.next('chat.message')).message.text).toBe('Ann reopened the conversation');
    visitor.close();
    agent.close();
  });

  it('lists inbox views', async () => {
    const agent = new TestClient(relay, agentToken, relay.publicOrigin);
    await agent.hello();
    const waiting = await startConversation('waiting one');
    const mine = await startConversation('mine one');
    agent.send({ type: 'chat.send', clientId: 'take-it-0001', conversationId: mine.conversationId, text: 'on it' });
    await agent.next('chat.ack');
    const resolved = await startConversation('resolved one');
    agent.send({ type: 'conversation.resolve', conversationId: resolved.conversationId });
    await agent.next('conversation.updated', (f) => f.conversation.status === 'resolved');

    const list = async (view: 'waiting' | 'mine' | 'open' | 'resolved'): Promise<string[]> => {
      agent.send({ type: 'inbox.list', view });
      return (await agent.next('inbox.items', (f) => f.view === view)).conversations.map((c) => c.id);
    };
    expect(await list('waiting')).toContain(waiting.conversationId);
    expect(await list('waiting')).not.toContain(mine.conversationId);
    expect(await list('mine')).toContain(mine.conversationId);
    expect(await list('mine')).not.toContain(waiting.conversationId);
    expect(await list('open')).toEqual(expect.arrayContaining([waiting.conversationId, mine.conversationId]));
    expect(await list('resolved')).toContain(resolved.conversationId);
    expect(await list('open')).not.toContain(resolved.conversationId);

    // A visitor writing into a resolved conversation reopens it.
    resolved.visitor.send({ type: 'chat.send', clientId: 'back-again-1', conversationId: resolved.conversationId, text: 'one more thing' });
    await resolved.visitor.next('chat.ack');
    expect((await relay.storage.getConversation(resolved.conversationId))!.status).toBe('open');
    for (const c of [waiting, mine, resolved]) c.visitor.close();
    agent.close();
  });

  it('lets only supervisors and admins assign to someone else', async () => {
    const { visitor, conversationId } = await startConversation('assign me');
    const ann = new TestClient(relay, agentToken, relay.publicOrigin);
    await ann.hello();
    const admin = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    const welcome = await admin.hello();
    ann.send({ type: 'conversation.assign', conversationId, agentId: welcome.agent!.id });
    expect(await ann.next('error')).toMatchObject({ code: 'forbidden', ref: 'conversation.assign' });
    admin.send({ type: 'conversation.assign', conversationId, agentId });
    await admin.next('conversation.updated', (f) => f.conversation.id === conversationId && f.conversation.assigneeId === agentId);
    admin.send({ type: 'conversation.open', conversationId: 'no-such-conversation' });
    expect((await admin.next('error')).code).toBe('not_found');
    visitor.close();
    ann.close();
    admin.close();
  });

});

describe('presence', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(() => relay.stop());

  it('tells visitors how many agents are online', async () => {
    const agentToken = await adminToken(relay);
    const visitor = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    expect((await visitor.hello()).agentsOnline).toBe(0);
    const agent = new TestClient(relay, agentToken, relay.publicOrigin);
    await agent.hello();
    expect((await visitor.next('presence')).agentsOnline).toBe(1);
    agent.close();
    expect((await visitor.next('presence')).agentsOnline).toBe(0);
    visitor.close();
  });
});
