import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeUserHash } from '../src/auth/user-hash.js';
import { PAGE_ORIGIN, TestClient, adminToken, postJson, startTestRelay, upgradeStatus, visitorToken, type TestRelay } from './relay-harness.js';

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

describe('identity: unverified claims never take over a user', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ demoSiteSecret: SITE_SECRET });
  });
  afterAll(() => relay.stop());

  async function connected(token?: string): Promise<{ client: TestClient; token: string; visitorId: string }> {
    const session = token ? { token, visitorId: '' } : await visitorToken(relay);
    const client = new TestClient(relay, session.token, PAGE_ORIGIN);
    const welcome = await client.hello();
    return { client, token: session.token, visitorId: welcome.visitor!.id };
  }

  /** Resolves once every frame the relay sent `client` before now has arrived. */
  async function drained(client: TestClient): Promise<void> {
    const t = Math.random();
    client.send({ type: 'ping', t });
    await client.next('pong', (f) => f.t === t);
  }

  it("keeps an attacker's unverified claim of a user id from reading the real user's conversations", async () => {
    const userHash = computeUserHash('victim-1', SITE_SECRET);
    // The attacker labels its own visitor with the victim's user id, without a hash.
    const attacker = await connected();
    attacker.client.send({ type: 'visitor.identify', userId: 'victim-1', name: 'Mallory' });
    expect((await attacker.client.next('visitor.identified')).visitor).toMatchObject({ id: attacker.visitorId, verified: false });

    // The victim chats anonymously, then signs in with a valid hash.
    const victim = await connected();
    victim.client.send({ type: 'chat.send', clientId: 'victim-msg-1', text: 'my card ends in 4242' });
    const { conversationId } = await victim.client.next('chat.ack');
    victim.client.send({ type: 'visitor.identify', userId: 'victim-1', userHash, name: 'Kim' });
    const signedIn = await victim.client.next('visitor.identified');
    expect(signedIn.visitor).toMatchObject({ userId: 'victim-1', verified: true, name: 'Kim' });
    expect(signedIn.visitor.id).not.toBe(attacker.visitorId);
    expect(signedIn.conversations.map((c) => c.id)).toEqual([conversationId]);

    // New messages of the victim, and an agent's answer, never reach the attacker.
    victim.client.send({ type: 'chat.send', clientId: 'victim-msg-2', conversationId, text: 'and my address is ...' });
    await victim.client.next('chat.ack', (f) => f.clientId === 'victim-msg-2');
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    agent.send({ type: 'chat.send', clientId: 'agent-msg-1', conversationId, text: 'Thanks Kim' });
    await victim.client.next('chat.message', (f) => f.message.text === 'Thanks Kim');
    await drained(attacker.client);
    expect(attacker.client.frames.filter((f) => f.type === 'chat.message' || f.type === 'chat.messages')).toEqual([]);

    // The attacker's live connection may not sync the conversation.
    attacker.client.send({ type: 'chat.sync', conversationId, afterSeq: 0 });
    expect((await attacker.client.next('error', (f) => f.ref === 'chat.sync')).code).toBe('forbidden');

    // Nor does the attacker's token list it on a new connection, or over HTTP.
    const again = new TestClient(relay, attacker.token, PAGE_ORIGIN);
    const welcome = await again.hello();
    expect(welcome.visitor).toMatchObject({ id: attacker.visitorId, verified: false, name: 'Mallory' });
    expect(welcome.conversations).toEqual([]);
    const api = await visitorToken(relay, { token: attacker.token, user: { userId: 'victim-1' } });
    expect(api.visitorId).toBe(attacker.visitorId);

    // The victim's own token works on another connection and reads everything.
    const device = await connected(signedIn.token);
    expect(device.visitorId).toBe(signedIn.visitor.id);
    for (const c of [attacker.client, victim.client, agent, again, device.client]) c.close();
  });

  it('keeps an unverified claim made over HTTP from receiving a verified sign-in made over HTTP', async () => {
    const attacker = await visitorToken(relay, { user: { userId: 'victim-http', name: 'Mallory' } });
    const victim = await connected();
    victim.client.send({ type: 'chat.send', clientId: 'victim-http-1', text: 'private' });
    const { conversationId } = await victim.client.next('chat.ack');
    const signedIn = await visitorToken(relay, { token: victim.token, user: { userId: 'victim-http', userHash: computeUserHash('victim-http', SITE_SECRET) } });
    expect(signedIn.visitorId).toBe(victim.visitorId);
    expect(signedIn.visitorId).not.toBe(attacker.visitorId);

    const again = new TestClient(relay, attacker.token, PAGE_ORIGIN);
    const welcome = await again.hello();
    expect(welcome.visitor).toMatchObject({ id: attacker.visitorId, verified: false });
    expect(welcome.conversations).toEqual([]);
    again.send({ type: 'chat.sync', conversationId, afterSeq: 0 });
    expect((await again.next('error', (f) => f.ref === 'chat.sync')).code).toBe('forbidden');
    for (const c of [victim.client, again]) c.close();
  });

  it("gives a labelled visitor's proven identity a new visitor and token; the label's other holders read nothing", async () => {
    const userHash = computeUserHash('labelled-1', SITE_SECRET);
    // Two connections share one labelled visitor's token: the page's, and whoever else holds it.
    const page = await connected();
    const other = await connected(page.token);
    page.client.send({ type: 'visitor.identify', userId: 'labelled-1', name: 'Guess' });
    await page.client.next('visitor.identified');
    page.client.send({ type: 'chat.send', clientId: 'labelled-msg-1', text: 'before signing in' });
    const { conversationId } = await page.client.next('chat.ack');

    page.client.send({ type: 'visitor.identify', userId: 'labelled-1', userHash, name: 'Kim' });
    const signedIn = await page.client.next('visitor.identified');
    expect(signedIn.visitor).toMatchObject({ userId: 'labelled-1', verified: true, name: 'Kim' });
    expect(signedIn.visitor.id).not.toBe(page.visitorId);
    expect(signedIn.conversations.map((c) => c.id)).toEqual([conversationId]);

    // The signed-in connection goes on as the user; the other one was not moved and reads nothing.
    page.client.send({ type: 'chat.send', clientId: 'labelled-msg-2', conversationId, text: 'after signing in' });
    await page.client.next('chat.ack', (f) => f.clientId === 'labelled-msg-2');
    await drained(other.client);
    expect(other.client.frames.filter((f) => f.type === 'visitor.identified')).toEqual([]);
    expect(other.client.frames.filter((f) => f.type === 'chat.message' && f.message.text === 'after signing in')).toEqual([]);
    other.client.send({ type: 'chat.sync', conversationId, afterSeq: 0 });
    expect((await other.client.next('error', (f) => f.ref === 'chat.sync')).code).toBe('forbidden');
    // A message from it has no visitor to belong to: it must sign in again (4001), nothing is written.
    other.client.send({ type: 'chat.send', clientId: 'orphan-msg-1', text: 'hello?' });
    expect((await other.client.next('error')).code).toBe('unauthorized');
    expect((await other.client.closed).code).toBe(4001);

    // The labelled visitor is gone: its token opens nothing, and over HTTP it gets a new visitor.
    expect(await upgradeStatus(relay, page.token, PAGE_ORIGIN)).toBe(401);
    const fresh = await visitorToken(relay, { token: page.token });
    expect([page.visitorId, signedIn.visitor.id]).not.toContain(fresh.visitorId);
    page.client.close();
  });

  it("switches one browser to another verified user without moving the first user's other devices", async () => {
    const first = await visitorToken(relay, { user: { userId: 'shared-1', userHash: computeUserHash('shared-1', SITE_SECRET) } });
    const laptop = await connected(first.token);
    const phone = await connected(first.token);
    laptop.client.send({ type: 'visitor.identify', userId: 'shared-2', userHash: computeUserHash('shared-2', SITE_SECRET) });
    const switched = await laptop.client.next('visitor.identified');
    expect(switched.visitor).toMatchObject({ userId: 'shared-2', verified: true });
    expect(switched.visitor.id).not.toBe(first.visitorId);

    await drained(phone.client);
    expect(phone.client.frames.filter((f) => f.type === 'visitor.identified')).toEqual([]);
    phone.client.send({ type: 'chat.send', clientId: 'phone-msg-1', text: 'still the first user' });
    const ack = await phone.client.next('chat.ack');
    const reconnect = await connected(first.token);
    expect(reconnect.visitorId).toBe(first.visitorId);
    const welcome = reconnect.client.frames.find((f) => f.type === 'welcome');
    expect(welcome?.type === 'welcome' && welcome.conversations.map((c) => c.id)).toEqual([ack.conversationId]);
    for (const c of [laptop.client, phone.client, reconnect.client]) c.close();
  });

  it('signs in two tabs of one anonymous visitor at once, both as the known user', async () => {
    const userHash = computeUserHash('two-tabs-1', SITE_SECRET);
    const owner = await visitorToken(relay, { user: { userId: 'two-tabs-1', userHash } });
    const tabA = await connected();
    const tabB = await connected(tabA.token);
    tabA.client.send({ type: 'visitor.identify', userId: 'two-tabs-1', userHash });
    tabB.client.send({ type: 'visitor.identify', userId: 'two-tabs-1', userHash });
    for (const tab of [tabA, tabB]) {
      const identified = await tab.client.next('visitor.identified');
      expect(identified.visitor).toMatchObject({ id: owner.visitorId, verified: true });
      await drained(tab.client);
      expect(tab.client.frames.filter((f) => f.type === 'error')).toEqual([]);
      tab.client.close();
    }
  });

  /** A user id verified by one visitor, and one claimed by another. */
  async function takenIds(tag: string): Promise<{ verified: string; claimed: string; owner: string; claimant: string }> {
    const verified = `taken-${tag}`;
    const claimed = `claimed-${tag}`;
    const owner = await visitorToken(relay, { user: { userId: verified, userHash: computeUserHash(verified, SITE_SECRET) } });
    const claimant = await visitorToken(relay, { user: { userId: claimed, name: 'First' } });
    return { verified, claimed, owner: owner.visitorId, claimant: claimant.visitorId };
  }

  it('answers an unverified claim of a taken user id over HTTP like any other (200, never 500)', async () => {
    const taken = await takenIds('http');
    // Ids verified elsewhere, claimed elsewhere, and never seen all answer 200 with a visitor of its own.
    for (const userId of [taken.verified, taken.claimed, 'unknown-http']) {
      const res = await postJson(relay, '/api/visitors', { siteKey: 'demo', user: { userId, name: 'Someone' } }, { Origin: PAGE_ORIGIN });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['token', 'visitorId']);
      expect([taken.owner, taken.claimant]).not.toContain(res.body.visitorId);
    }
    // The owner is still the one canonical visitor of the user id.
    const again = await visitorToken(relay, { user: { userId: taken.verified, userHash: computeUserHash(taken.verified, SITE_SECRET) } });
    expect(again.visitorId).toBe(taken.owner);
  });

  it('answers an unverified claim of a taken user id over the socket like any other (never internal)', async () => {
    const taken = await takenIds('socket');
    // The claims answer `visitor.identified`, labelling only this visitor.
    for (const userId of [taken.verified, taken.claimed, 'unknown-socket']) {
      const { client, visitorId } = await connected();
      client.send({ type: 'visitor.identify', userId, name: 'Someone' });
      const identified = await client.next('visitor.identified');
      expect(identified.visitor).toMatchObject({ id: visitorId, userId, name: 'Someone', verified: false });
      expect(identified.conversations).toEqual([]);
      expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
      client.close();
    }
    const again = await visitorToken(relay, { user: { userId: taken.verified, userHash: computeUserHash(taken.verified, SITE_SECRET) } });
    expect(again.visitorId).toBe(taken.owner);
  });
});
