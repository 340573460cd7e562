import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clients, RELAY_SECRET, timeline } from './call-harness.js';
import { startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

const PER_DAY = 3;

describe('callback requests through the relay', () => {
  let relay: TestRelay;
  let clients: Clients;
  let n = 0;
  beforeAll(async () => {
    relay = await startTestRelay({ secret: RELAY_SECRET, limits: { callbacksPerDay: PER_DAY } });
    clients = new Clients(relay);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => relay.stop());

  const clientId = () => `callback-${++n}-abcdefgh`;

  it('refuses a number that is not a valid phone number, and stores nothing', async () => {
    const { token, visitorId } = await visitorToken(relay);
    const { client: tab } = await clients.connect(token, 'visitor');
    tab.send({ type: 'callback.request', clientId: clientId(), phone: '+44 12' });
    expect(await tab.next('error')).toMatchObject({ code: 'phone_invalid', ref: 'callback.request' });
    tab.send({ type: 'callback.request', clientId: clientId(), phone: '555-2671', country: 'US' });
    expect((await tab.next('error')).code).toBe('phone_invalid');
    tab.send({ type: 'callback.request', clientId: clientId(), phone: 'call me maybe' });
    expect((await tab.next('error')).code).toBe('bad_frame');
    expect(await relay.storage.listCallbacks({ visitorId, limit: 10 })).toEqual([]);
    expect(await relay.storage.listConversations({ visitorId, limit: 10 })).toEqual([]);
  });

  it('stores a national number in E.164, tells the visitor tabs and the agents, and writes the timeline', async () => {
    const { id: agentId, token: agentToken } = await clients.agent('Ann');
    const { client: agent } = await clients.connect(agentToken, 'agent');
    const { token, visitorId } = await visitorToken(relay);
    const { client: tab } = await clients.connect(token, 'visitor');
    const { client: otherTab } = await clients.connect(token, 'visitor');
    const window = { from: Date.now() + 60_000, to: Date.now() + 2 * 60 * 60_000 };
    tab.send({ type: 'callback.request', clientId: clientId(), phone: '020 7123 4567', country: 'GB', window, note: 'About my order' });

    const mine = (await tab.next('callback.updated')).callback;
    expect(mine).toMatchObject({ visitorId, phone: '+442071234567', window, note: 'About my order', status: 'requested', agentId: null });
    expect((await otherTab.next('callback.updated')).callback).toEqual(mine);
    expect((await agent.next('callback.updated')).callback).toEqual(mine);
    // No conversation was named and none was open: the request started one, in the inbox at once.
    expect((await agent.next('conversation.updated', (f) => f.conversation.id === mine.conversationId)).conversation.lastMessage?.text).toBe(
      'The visitor asked to be called back at +44 20 7123 4567',
    );
    expect(await timeline(relay, mine.conversationId)).toEqual(['The visitor asked to be called back at +44 20 7123 4567']);
    expect(await relay.storage.getCallback(mine.id)).toEqual(mine);

    agent.send({ type: 'callback.list', filter: 'open' });
    expect((await agent.next('callback.items')).callbacks.map((c) => c.id)).toContain(mine.id);
    agent.send({ type: 'conversation.open', conversationId: mine.conversationId });
    expect((await agent.next('conversation.detail')).callbacks).toEqual([mine]);

    agent.send({ type: 'callback.update', callbackId: mine.id, status: 'claimed' });
    const claimed = (await tab.next('callback.updated')).callback;
    expect(claimed).toMatchObject({ id: mine.id, status: 'claimed', agentId, agentName: 'Ann' });
    await tab.next('chat.message', (f) => f.message.text === 'Ann will call back');
    const { welcome } = await clients.connect(token, 'visitor');
    expect(welcome.callbacks).toEqual([claimed]);

    agent.send({ type: 'callback.update', callbackId: mine.id, status: 'unreachable' });
    expect((await tab.next('callback.updated')).callback.status).toBe('unreachable');
    await tab.next('chat.message', (f) => f.message.text === 'Ann could not reach the visitor');
    agent.send({ type: 'callback.update', callbackId: mine.id, status: 'done' });
    expect((await otherTab.next('callback.updated', (f) => f.callback.status === 'done')).callback.agentName).toBe('Ann');
    await tab.next('chat.message', (f) => f.message.text === 'Ann called back');

    agent.send({ type: 'callback.list', filter: 'open' });
    expect((await agent.next('callback.items')).callbacks.map((c) => c.id)).not.toContain(mine.id);
    agent.send({ type: 'callback.list', filter: 'all' });
    expect((await agent.next('callback.items')).callbacks.find((c) => c.id === mine.id)).toMatchObject({ status: 'done' });
    agent.send({ type: 'callback.update', callbackId: 'no-such-callback', status: 'done' });
    expect(await agent.next('error')).toMatchObject({ code: 'not_found', ref: 'callback.update' });
  });

  it('gives a retried client id the same request back, in the conversation it names', async () => {
    const visitor = await clients.visitor();
    const id = clientId();
    visitor.tab.send({ type: 'callback.request', clientId: id, conversationId: visitor.conversationId, phone: '+82 10 1234 5678' });
    const first = (await visitor.tab.next('callback.updated')).callback;
    expect(first).toMatchObject({ conversationId: visitor.conversationId, phone: '+821012345678', window: null, note: null });
    visitor.tab.send({ type: 'callback.request', clientId: id, phone: '+44 20 7123 4567' });
    expect((await visitor.tab.next('callback.updated')).callback).toEqual(first);
    expect(await relay.storage.listCallbacks({ visitorId: visitor.visitorId, limit: 10 })).toEqual([first]);
    expect((await timeline(relay, visitor.conversationId)).filter((t) => t.startsWith('The visitor asked'))).toHaveLength(1);
  });

  it('caps the requests of one visitor per day', async () => {
    const visitor = await clients.visitor();
    for (let i = 0; i < PER_DAY; i++) {
      visitor.tab.send({ type: 'callback.request', clientId: clientId(), phone: '+1 415 555 2671' });
      await visitor.tab.next('callback.updated');
    }
    visitor.tab.send({ type: 'callback.request', clientId: clientId(), phone: '+1 415 555 2671' });
    expect(await visitor.tab.next('error')).toMatchObject({ code: 'rate_limited', ref: 'callback.request' });
    expect(await relay.storage.listCallbacks({ visitorId: visitor.visitorId, limit: 10 })).toHaveLength(PER_DAY);
    // Another visitor has a cap of its own.
    const other = await clients.visitor();
    other.tab.send({ type: 'callback.request', clientId: clientId(), phone: '+1 415 555 2671' });
    expect((await other.tab.next('callback.updated')).callback.visitorId).toBe(other.visitorId);
  });

  it('refuses a visitor naming another visitor conversation, and an agent-only frame from a visitor', async () => {
    const owner = await clients.visitor();
    const { token } = await visitorToken(relay);
    const { client: intruder } = await clients.connect(token, 'visitor');
    intruder.send({ type: 'callback.request', clientId: clientId(), conversationId: owner.conversationId, phone: '+44 20 7123 4567' });
    expect((await intruder.next('error')).code).toBe('forbidden');
    intruder.send({ type: 'callback.update', callbackId: 'anything', status: 'done' });
    expect((await intruder.next('error')).code).toBe('unknown_type');
    expect(await relay.storage.listCallbacks({ conversationId: owner.conversationId, limit: 10 })).toEqual([]);
  });
});
