/**
 * A real relay on PostgreSQL (`databaseUrl`), driven over real WebSockets: messages are acked
 * after they are stored in the database, with seqs in order, a retry is acked once, and while
 * PostgreSQL restarts a send is refused (an error frame, never an ack) and the same send after
 * the restart is stored once. A PostgreSQL 15 server is started for this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from './servers/postgres.js';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

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

  it('refuses a send while PostgreSQL is down, never acking it, and stores the same send once after the restart', async () => {
    const { client, token } = await visitorTab();
    client.send({ type: 'chat.send', clientId: 'pg-before', text: 'before' });
    const before = await client.next('chat.ack');

    await server.kill();
    client.send({ type: 'chat.send', clientId: 'pg-during', text: 'during the outage' });
    const refused = await client.next('error', () => true, 15_000);
    expect(refused.code).toBe('internal');
    expect(client.frames.some((f) => f.type === 'chat.ack' && f.clientId === 'pg-during')).toBe(false);

    await server.restart();
    // What a widget's outbox does: the same send again, on the same or a new connection.
    const { client: again } = await visitorTab(token);
    again.send({ type: 'chat.send', clientId: 'pg-during', text: 'during the outage' });
    const after = await again.next('chat.ack');
    expect(after).toMatchObject({ conversationId: before.conversationId, seq: 2 });
    again.send({ type: 'chat.send', clientId: 'pg-during', text: 'during the outage' });
    expect((await again.next('chat.ack')).seq).toBe(2);
    expect((await relay.storage.listMessages(before.conversationId, 0, 10)).map((m) => m.text)).toEqual(['before', 'during the outage']);
    client.close();
    again.close();
  });
});
