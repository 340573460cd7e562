/**
 * A real relay on PostgreSQL (`databaseUrl`), driven over real WebSockets: messages are acked
 * after they are stored in the database, with seqs in order, a retry is acked once, and while
 * PostgreSQL restarts a send is refused with `unavailable` (never an ack), the HTTP API and the
 * upgrade answer 503, `/readyz` 503, and the same send after the restart is stored once. A PostgreSQL 15 server is started for this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, DEFAULT_LIMITS, ERROR_CATALOG, PROTOCOL_VERSION } from '@parley/protocol';
import { startPostgres, type TestPostgres } from './servers/postgres.js';
import {
  ADMIN_PASSWORD,
  PAGE_ORIGIN,
  TestClient,
  adminToken,
  postJson,
  startTestRelay,
  upgradeStatus,
  visitorToken,
  type TestRelay,
} from './relay-harness.js';

describe('a relay on PostgreSQL', () => {
  let server: TestPostgres;
  let relay: TestRelay;

  beforeAll(async () => {
    server = await startPostgres();
    relay = await startTestRelay({ databaseUrl: await server.createDatabase() });
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await server?.stop();
  });

  async function visitorTab(token?: string): Promise<{ client: TestClient; token: string }> {
    const t = token ?? (await visitorToken(relay)).token;
    const client = new TestClient(relay, t, PAGE_ORIGIN);
    await client.hello();
    return { client, token: t };
  }

  it('acks messages once stored, in order, delivers the agent reply and replays what a tab missed', async () => {
    const { client, token } = await visitorTab();
    for (let i = 1; i <= 3; i++) client.send({ type: 'chat.send', clientId: `pg-order-${i}`, text: `m${i}` });
    const acks = [await client.next('chat.ack'), await client.next('chat.ack'), await client.next('chat.ack')];
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);
    const { conversationId } = acks[0]!;
    expect((await relay.storage.listMessages(conversationId, 0, 10)).map((m) => m.text)).toEqual(['m1', 'm2', 'm3']);

    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    agent.send({ type: 'chat.send', clientId: 'pg-reply-1', conversationId, text: 'hello from the agent' });
    // Answering takes the conversation (a system line), then the reply.
    const reply = await agent.next('chat.ack');
    expect(reply.seq).toBeGreaterThan(3);
    expect((await client.next('chat.message', (f) => f.message.author === 'agent')).message.text).toBe('hello from the agent');
    client.close();

    const resumed = new TestClient(relay, token, PAGE_ORIGIN);
    await resumed.hello({ resume: { [conversationId]: 2 } });
    const replay = await resumed.next('chat.messages');
    expect(replay.messages.map((m) => m.seq)).toEqual(Array.from({ length: reply.seq - 2 }, (_, i) => i + 3));
    expect(replay.messages.at(-1)?.text).toBe('hello from the agent');
    resumed.close();
    agent.close();
  });

  it('refuses a send while PostgreSQL is down with `unavailable`, never acking it, and stores the same send once after the restart', async () => {
    const { client, token } = await visitorTab();
    client.send({ type: 'chat.send', clientId: 'pg-before', text: 'before' });
    const before = await client.next('chat.ack');
    // Upgraded while the store was up; says hello only once it is down.
    const late = new TestClient(relay, token, PAGE_ORIGIN);
    await late.opened;

    await server.kill();
    client.send({ type: 'chat.send', clientId: 'pg-during', text: 'during the outage' });
    const refused = await client.next('error', () => true, 15_000);
    expect(refused).toMatchObject({ code: 'unavailable', ref: 'pg-during', message: ERROR_CATALOG.unavailable.message });
    expect(client.frames.some((f) => f.type === 'chat.ack' && f.clientId === 'pg-during')).toBe(false);
    // Sent again while still down: refused again, and the connection stays open (no refusal counted against it).
    const tries = DEFAULT_LIMITS.maxErrors + 5;
    for (let i = 0; i < tries; i++) client.send({ type: 'chat.send', clientId: 'pg-during', text: 'during the outage' });
    for (let i = 0; i < tries; i++) expect((await client.next('error', () => true, 15_000)).code).toBe('unavailable');
    expect(client.ws.readyState).toBe(client.ws.OPEN);

    // The load balancer's view, and the HTTP API: 503 with Retry-After, never 500.
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ok: false, failed: ['storage'] });
    const visitors = await postJson(relay, '/api/visitors', { siteKey: 'demo' }, { Origin: PAGE_ORIGIN });
    expect(visitors).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(visitors.headers.get('retry-after')).toBe('5');
    // However often an agent tries to sign in meanwhile: the outage uses up none of the address's attempts.
    for (let i = 0; i <= relay.options.loginFailuresPerMinute; i++) {
      const login = await postJson(relay, '/api/login', { email: 'admin@localhost', password: ADMIN_PASSWORD });
      expect(login).toMatchObject({ status: 503, body: { error: 'unavailable' } });
      expect(login.headers.get('retry-after')).toBe('5');
    }
    expect(await upgradeStatus(relay, token, PAGE_ORIGIN)).toBe(503);
    // A hello that cannot be welcomed closes with 1013 (try again later), so the client reconnects.
    late.send({ type: 'hello', v: PROTOCOL_VERSION });
    expect(await late.closed).toEqual({ code: CLOSE_CODES.tryAgainLater, reason: 'unavailable' });

    await server.restart();
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
    expect(await adminToken(relay)).toEqual(expect.any(String));
    // What a widget's outbox does: the same send again, on the same connection (the pool recovered).
    client.send({ type: 'chat.send', clientId: 'pg-during', text: 'during the outage' });
    const after = await client.next('chat.ack');
    expect(after).toMatchObject({ conversationId: before.conversationId, seq: 2 });
    // And on a new connection: the same ack, never a second message.
    const { client: again } = await visitorTab(token);
    again.send({ type: 'chat.send', clientId: 'pg-during', text: 'during the outage' });
    expect((await again.next('chat.ack')).seq).toBe(2);
    expect((await relay.storage.listMessages(before.conversationId, 0, 10)).map((m) => m.text)).toEqual(['before', 'during the outage']);
    client.close();
    again.close();
  });
});
