/**
 * PgStorage against a real PostgreSQL 15 server started for this file: the Storage contract,
 * each test on a fresh database copied from a migrated template, then what only a shared
 * database can show: two stores (two relay nodes) appending to one conversation at once, a
 * retried client id on both, races for one conversation, `watch` per node; and batching, the
 * indexes, and text PostgreSQL cannot hold. Failures are in `pg-storage-failures.test.ts`.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { PgStorage } from './pg-storage.js';
import { aMessage, conversations, upTo, usePostgres } from './pg-test-fixture.js';
import { describeStorageContract } from './storage.contract.js';
import type { StorageChange } from './storage.js';

// pg_stat_statements counts the statements the server ran: how many round trips appends took.
const postgres = usePostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
const { freshDatabase, asAdmin } = postgres;

describeStorageContract('PgStorage', async () => new PgStorage({ url: await freshDatabase(), poolSize: 4 }));

describe('PgStorage on one database shared by two relay nodes', () => {
  let nodeA: PgStorage;
  let nodeB: PgStorage;

  beforeEach(async () => {
    const url = await freshDatabase();
    nodeA = new PgStorage({ url });
    nodeB = new PgStorage({ url });
    // Connected before the test, so that neither node's first write waits for a new connection.
    await Promise.all([nodeA.listSites(), nodeB.listSites()]);
  });

  afterEach(async () => {
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  it('keeps each conversation seqs gapless and unique when both nodes append to the same conversations at once', async () => {
    const ids = await conversations(nodeA, 4);
    // On each node, five senders per conversation send 20 messages each, one after the other
    // (as clients waiting for their acks do), so both nodes' batches keep overlapping.
    const sender = async (node: PgStorage, name: string, conversationId: string) => {
      const sent = [];
      for (let i = 0; i < 20; i += 1) sent.push((await node.appendMessage(aMessage(conversationId, { authorId: name, text: `${name}-${i}` }))).message);
      return sent;
    };
    const senders = [nodeA, nodeB].flatMap((node, n) =>
      ids.flatMap((conversationId, c) => upTo(5).map((k) => sender(node, `node${n}-c${c}-s${k}`, conversationId))),
    );
    const sent = await Promise.all(senders);
    for (const id of ids) {
      const seqs = sent.flat().filter((m) => m.conversationId === id).map((m) => m.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(upTo(200));
      expect((await nodeB.listMessages(id, 0, 500)).map((m) => m.seq)).toEqual(upTo(200));
      expect((await nodeA.getConversation(id))?.lastSeq).toBe(200);
    }
    // Each sender's messages have the seqs of the order it sent them in.
    for (const messages of sent) expect(messages.map((m) => m.seq)).toEqual([...messages.map((m) => m.seq)].sort((x, y) => x - y));
  });

  it('stores a client id sent to both nodes at once once, and answers both with the same seq', async () => {
    const [id] = await conversations(nodeA, 1);
    const inputs = Array.from({ length: 100 }, (_, i) => aMessage(id!, { text: `m${i}` }));
    const answers = await Promise.all(inputs.flatMap((input) => [nodeA.appendMessage(input), nodeB.appendMessage({ ...input, id: randomUUID() })]));
    for (let i = 0; i < inputs.length; i += 1) {
      const [a, b] = [answers[2 * i]!, answers[2 * i + 1]!];
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
      expect(b.message).toEqual(a.message);
    }
    const stored = await nodeA.listMessages(id!, 0, 500);
    expect(stored.map((m) => m.seq)).toEqual(upTo(100));
    expect(stored.map((m) => m.clientId).sort()).toEqual(inputs.map((input) => input.clientId).sort());
  });

  it('stores a retried client id naming another conversation on the other node once, leaving no gap in either', async () => {
    const [first, second] = await conversations(nodeA, 2);
    const inputs = Array.from({ length: 50 }, () => aMessage(first!));
    const answers = await Promise.all(
      inputs.flatMap((input) => [nodeA.appendMessage(input), nodeB.appendMessage({ ...input, id: randomUUID(), conversationId: second! })]),
    );
    for (let i = 0; i < inputs.length; i += 1) expect(answers[2 * i + 1]!.message).toEqual(answers[2 * i]!.message);
    const inFirst = await nodeA.listMessages(first!, 0, 500);
    const inSecond = await nodeA.listMessages(second!, 0, 500);
    expect(inFirst.length + inSecond.length).toBe(50);
    expect(inFirst.map((m) => m.seq)).toEqual(upTo(inFirst.length));
    expect(inSecond.map((m) => m.seq)).toEqual(upTo(inSecond.length));
  });

  it('gives a waiting conversation to one agent and a visitor one open conversation when both nodes race for them', async () => {
    const [id] = await conversations(nodeA, 1);
    const visitorId = (await nodeA.getConversation(id!))!.visitorId;
    const siteId = (await nodeA.getConversation(id!))!.siteId;
    const takes = await Promise.allSettled(
      upTo(10).map((i) => (i % 2 ? nodeA : nodeB).updateConversation(id!, { assigneeId: `agent-${i}` }, 3_000, { assigneeId: null, status: 'open' })),
    );
    const won = takes.filter((take) => take.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(takes.filter((take) => take.status === 'rejected').every((take) => take.reason.code === 'conflict')).toBe(true);
    expect((await nodeB.getConversation(id!))?.assigneeId).toBe(won[0]!.value.assigneeId);

    await nodeA.updateConversation(id!, { status: 'resolved', resolvedAt: 4_000 }, 4_000);
    const starts = await Promise.allSettled(
      upTo(10).map((i) => (i % 2 ? nodeA : nodeB).createConversation({ id: randomUUID(), siteId, visitorId, createdAt: 5_000 })),
    );
    expect(starts.filter((start) => start.status === 'fulfilled')).toHaveLength(1);
    expect(await nodeA.listConversations({ visitorId, status: 'open', limit: 10 })).toHaveLength(1);
  });

  it('reports to watch only the writes made through the same store', async () => {
    const [id] = await conversations(nodeA, 1);
    const seenByA: StorageChange[] = [];
    const seenByB: StorageChange[] = [];
    nodeA.watch((change) => seenByA.push(change));
    nodeB.watch((change) => seenByB.push(change));
    await nodeB.appendMessage(aMessage(id!));
    const assigned = await nodeB.updateConversation(id!, { assigneeId: 'agent-1' }, 3_000, { assigneeId: null });
    expect(seenByA).toEqual([]);
    expect(seenByB.map((change) => change.kind)).toEqual(['conversation', 'conversation']);
    expect(seenByB[1]).toEqual({ kind: 'conversation', conversation: assigned });
    // The refused write on A (B took it first) reports nothing on either.
    await expect(nodeA.updateConversation(id!, { assigneeId: 'agent-2' }, 4_000, { assigneeId: null })).rejects.toMatchObject({ code: 'conflict' });
    await nodeA.appendMessage(aMessage(id!, { author: 'agent', authorId: 'agent-1' }));
    expect(seenByA).toMatchObject([{ kind: 'conversation', conversation: { lastSeq: 2, assigneeId: 'agent-1' } }]);
    expect(seenByB).toHaveLength(2);
  });
});

describe('PgStorage appends', () => {
  it('writes appends in flight together in one database call, each caller getting its own outcome', async () => {
    const url = await freshDatabase();
    const database = new URL(url).pathname.slice(1);
    const store = new PgStorage({ url });
    const ids = await conversations(store, 20);
    await asAdmin('postgres', 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await asAdmin('postgres', 'SELECT pg_stat_statements_reset()');

    const inputs = upTo(400).map((i) => aMessage(ids[i % 20]!, { text: `m${i}` }));
    const outcomes = await Promise.allSettled([
      ...inputs.slice(0, 200).map((input) => store.appendMessage(input)),
      store.appendMessage(aMessage('no-such-conversation')),
      ...inputs.slice(200).map((input) => store.appendMessage(input)),
    ]);

    const calls = await asAdmin<{ calls: number | null }>(
      'postgres',
      `SELECT sum(s.calls)::int AS calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
       WHERE d.datname = $1 AND s.query LIKE '%parley_append_messages%'`,
      [database],
    );
    expect(calls[0]?.calls).toBe(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(400);
    const refused = outcomes[200];
    expect(refused?.status === 'rejected' && refused.reason).toMatchObject({ code: 'not_found' });
    for (const id of ids) expect((await store.listMessages(id, 0, 100)).map((m) => m.seq)).toEqual(upTo(20));
    await store.close();
  });
});

describe('PgStorage queries', () => {
  it('can answer every list and lookup from an index, never only by reading a whole table', async () => {
    const url = await freshDatabase();
    const queries = [
      "SELECT * FROM conversations WHERE site_id = ANY ('{a,b}'::text[]) AND status = 'open' AND assignee_id IS NULL ORDER BY updated_at DESC, id DESC LIMIT 50",
      "SELECT * FROM conversations WHERE status = 'open' AND assignee_id = 'a' ORDER BY updated_at DESC, id DESC LIMIT 50",
      "SELECT * FROM conversations WHERE visitor_id = 'v' ORDER BY updated_at DESC, id DESC LIMIT 50",
      "SELECT * FROM conversations WHERE visitor_id = 'v' AND status = 'open' ORDER BY updated_at DESC, id DESC LIMIT 1",
      'SELECT * FROM conversations WHERE updated_at > 5 ORDER BY updated_at DESC, id DESC LIMIT 50',
      'SELECT * FROM conversations ORDER BY updated_at DESC, id DESC LIMIT 50',
      "SELECT * FROM messages WHERE conversation_id = 'c' AND seq > 0 ORDER BY seq LIMIT 50",
      "SELECT * FROM messages WHERE author_id = 'a' AND client_id = 'c'",
      "SELECT * FROM visitors WHERE site_id = 's' AND user_id = 'u'",
      "SELECT * FROM callbacks WHERE visitor_id = 'v' AND created_at >= 1 ORDER BY created_at DESC, position DESC LIMIT 5",
      "SELECT * FROM callbacks WHERE conversation_id = 'c' ORDER BY created_at DESC, position DESC LIMIT 5",
      "SELECT * FROM callbacks WHERE status = ANY ('{requested}'::text[]) ORDER BY created_at DESC, position DESC LIMIT 5",
      "SELECT * FROM page_views WHERE visitor_id = 'v' ORDER BY at DESC, id DESC LIMIT 5",
      "SELECT id FROM agent_sessions WHERE id = ANY ('{a,b}'::text[]) AND expires_at > 5",
    ];
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // The tables are empty, so the planner would read them whole: forbid that to see whether an index serves.
    await client.query('SET enable_seqscan = off');
    for (const sql of queries) {
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan, sql).not.toMatch(/Seq Scan/);
    }
    await client.end();
  });
});

describe('PgStorage text', () => {
  it('stores a U+0000 (which PostgreSQL text cannot hold) as U+FFFD instead of refusing the write, and answers with what it stored', async () => {
    const store = new PgStorage({ url: await freshDatabase() });
    const [id] = await conversations(store, 1);
    const { message } = await store.appendMessage(aMessage(id!, { text: 'a\u0000b', authorName: 'K\u0000m' }));
    expect(message).toMatchObject({ text: 'a\uFFFDb', authorName: 'K\uFFFDm' });
    expect(await store.listMessages(id!, 0, 10)).toEqual([message]);
    const visitor = (await store.listConversations({ limit: 1 }))[0]!.visitorId;
    await store.addPageView(visitor, { url: 'https://shop.example/\u0000', title: 'T\u0000', at: 5 });
    expect(await store.listPageViews(visitor, 1)).toEqual([{ url: 'https://shop.example/\uFFFD', title: 'T\uFFFD', at: 5 }]);
    await store.close();
  });
});
