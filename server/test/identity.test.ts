import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeUserHash } from '../src/auth/user-hash.js';
import { PAGE_ORIGIN, TestClient, adminToken, postJson, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

const SITE_SECRET = 'demo-site-secret';

describe('identity verification', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ demoSiteSecret: SITE_SECRET });
  });
  afterAll(() => relay.stop());

  async function deviceWithMessage(text: string, clientId: string): Promise<{ client: TestClient; conversationId: string }> {
    const client = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    await client.hello();
    client.send({ type: 'chat.send', clientId, text });
    const { conversationId } = await client.next('chat.ack');
    return { client, conversationId };
  }

  it('merges the history of two anonymous devices of one verified user', async () => {
    const userHash = computeUserHash('user-42', SITE_SECRET);
    const laptop = await deviceWithMessage('from the laptop', 'laptop-msg-1');
    laptop.client.send({ type: 'visitor.identify', userId: 'user-42', userHash, name: 'Kim', email: 'kim@example.com' });
    const first = await laptop.client.next('visitor.identified');
    expect(first.visitor).toMatchObject({ userId: 'user-42', verified: true, name: 'Kim' });

    // The laptop's conversation was resolved, so the phone starts its own.
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    agent.send({ type: 'conversation.resolve', conversationId: laptop.conversationId });
    await agent.next('conversation.updated', (f) => f.conversation.status === 'resolved');

    const phone = await deviceWithMessage('from the phone', 'phone-msg-1');
    phone.client.send({ type: 'visitor.identify', userId: 'user-42', userHash });
    const second = await phone.client.next('visitor.identified');
    expect(second.visitor.id).toBe(first.visitor.id);
    expect(second.token).not.toBe(first.token);
    expect(second.conversations.map((c) => c.id).sort()).toEqual([laptop.conversationId, phone.conversationId].sort());

    // The phone now acts as the user: it may read the laptop's conversation, and its new token works.
    phone.client.send({ type: 'chat.sync', conversationId: laptop.conversationId, afterSeq: 0 });
    expect((await phone.client.next('chat.messages')).messages[0]!.text).toBe('from the laptop');
    const reconnect = new TestClient(relay, second.token, PAGE_ORIGIN);
    const welcome = await reconnect.hello();
    expect(welcome.visitor!.id).toBe(first.visitor.id);
    expect(welcome.conversations).toHaveLength(2);
    for (const c of [laptop.client, phone.client, reconnect, agent]) c.close();
  });

  it('refuses a wrong hash and keeps an unverified identity unverified', async () => {
    const { client } = await deviceWithMessage('hi', 'unverified-1');
    client.send({ type: 'visitor.identify', userId: 'user-7', userHash: 'deadbeef' });
    expect((await client.next('error')).code).toBe('identity_invalid');
    client.send({ type: 'visitor.identify', userId: 'user-7', name: 'Lee', email: 'lee@example.com' });
    const identified = await client.next('visitor.identified');
    expect(identified.visitor).toMatchObject({ userId: 'user-7', name: 'Lee', verified: false });
    client.close();
  });

  it('maps a verified user to one visitor through the HTTP API', async () => {
    const userHash = computeUserHash('user-api', SITE_SECRET);
    const a = await visitorToken(relay, { user: { userId: 'user-api', userHash } });
    const anonymous = await visitorToken(relay);
    const b = await visitorToken(relay, { token: anonymous.token, user: { userId: 'user-api', userHash } });
    expect(b.visitorId).toBe(a.visitorId);
    const bad = await postJson(relay, '/api/visitors', { siteKey: 'demo', user: { userId: 'user-api', userHash: 'nope' } }, { Origin: PAGE_ORIGIN });
    expect(bad).toMatchObject({ status: 403, body: { error: 'identity_invalid' } });
  });
});
