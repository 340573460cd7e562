import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from './migrations.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { SqliteAppendBatch } from './sqlite-append-batch.js';
import type { ConversationRow } from './sqlite-rows.js';
import type { NewMessage } from './storage.js';

/** A migrated database in a fresh directory with two conversations, and an append batch on it. */
async function openBatch(workerBatchMin: number) {
  const dir = await mkdtemp(join(tmpdir(), 'parley-append-batch-'));
  const db = openSqliteDatabase({ dataDir: dir, synchronous: 'normal', busyTimeoutMs: 1_000 });
  migrate(db);
  db.exec(`
    INSERT INTO sites (id, key, name, secret, created_at) VALUES ('s-1', 'k', 'S', 'x', 1);
    INSERT INTO visitors (id, site_id, first_seen_at, last_seen_at) VALUES ('v-1', 's-1', 1, 1), ('v-2', 's-1', 1, 1);
    INSERT INTO conversations (id, site_id, visitor_id, created_at, updated_at) VALUES ('c-1', 's-1', 'v-1', 1, 1), ('c-2', 's-1', 'v-2', 1, 1);
  `);
  const commits: { appended: number; conversations: ConversationRow[] }[] = [];
  const batch = new SqliteAppendBatch({
    db,
    workerBatchMin,
    file: db.name,
    synchronous: 'normal',
    busyTimeoutMs: 1_000,
    onCommit: (appended, conversations) => commits.push({ appended, conversations }),
  });
  return { dir, db, commits, batch };
}

async function closeBatch({ dir, db, batch }: Awaited<ReturnType<typeof openBatch>>): Promise<void> {
  await batch.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
}

let counter = 0;

/** A new visitor message to `conversationId` with a fresh id and client id. */
function aMessage(conversationId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  counter += 1;
  return { id: `m-${counter}`, conversationId, clientId: `k-${counter}`, author: 'visitor', authorId: 'v-1', text: `text ${counter}`, at: 10 + counter, ...overrides };
}

// Each rule holds wherever a batch commits: small batches on the store's connection, large ones on the worker.
describe.each([
  ['batches committed on the worker', 1],
  ['batches committed on the store’s connection', Number.POSITIVE_INFINITY],
])('SqliteAppendBatch, %s', (_where, workerBatchMin) => {
  let dir: string;
  let db: Database;
  let commits: { appended: number; conversations: ConversationRow[] }[];
  let batch: SqliteAppendBatch;

  beforeEach(async () => {
    ({ dir, db, commits, batch } = await openBatch(workerBatchMin));
  });

  afterEach(async () => {
    await closeBatch({ dir, db, commits, batch });
  });

  it('commits the appends of one turn in one transaction, each taking the next seq of its conversation', async () => {
    const results = await Promise.all([batch.submit(aMessage('c-1')), batch.submit(aMessage('c-2')), batch.submit(aMessage('c-1'))]);
    expect(results.map((r) => [r.message.conversationId, r.message.seq, r.duplicate])).toEqual([['c-1', 1, false], ['c-2', 1, false], ['c-1', 2, false]]);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.appended).toBe(3);
    expect(commits[0]!.conversations.map((row) => [row.id, row.last_seq])).toEqual([['c-1', 1], ['c-2', 1], ['c-1', 2]]);
  });

  it('settles an append only once another connection can read it', async () => {
    const reader = new BetterSqlite3(db.name, { readonly: true });
    const { message } = await batch.submit(aMessage('c-1'));
    expect(reader.prepare('SELECT id, seq FROM messages').all()).toEqual([{ id: message.id, seq: 1 }]);
    reader.close();
  });

  it('rejects a refused append alone and commits the rest of its batch without a gap in seq', async () => {
    const [first, refused, clash, last] = await Promise.allSettled([
      batch.submit(aMessage('c-1')),
      batch.submit(aMessage('nope')),
      batch.submit(aMessage('c-1', { id: 'm-taken' })),
      batch.submit(aMessage('c-1', { id: 'm-taken' })),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { message: { seq: 1 } } });
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(clash).toMatchObject({ status: 'fulfilled', value: { message: { seq: 2 } } });
    expect(last).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    expect(db.prepare("SELECT last_seq FROM conversations WHERE id = 'c-1'").get()).toEqual({ last_seq: 2 });
    expect(commits).toEqual([{ appended: 4, conversations: [expect.objectContaining({ last_seq: 1 }), expect.objectContaining({ last_seq: 2 })] }]);
  });

  it('answers a retried client id with the stored message and reports no change for it', async () => {
    const input = aMessage('c-1');
    const first = await batch.submit(input);
    const retry = await batch.submit({ ...input, id: 'm-other', text: 'changed' });
    expect(retry).toEqual({ message: first.message, duplicate: true });
    expect(commits.at(-1)).toEqual({ appended: 1, conversations: [] });
  });

  it('lets a write of the store wait for the appends submitted before it', async () => {
    void batch.submit(aMessage('c-1'));
    void batch.submit(aMessage('c-2'));
    await batch.writable();
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 2 });
  });

  it('lets a write wait only for the appends submitted before it, however many keep coming', async () => {
    await batch.submit(aMessage('c-1'));
    let rounds = 0;
    // Appends keep coming: each round waits for one while another is already queued behind it.
    const pump = async (): Promise<void> => {
      while (rounds < 40) {
        rounds++;
        const next = batch.submit(aMessage('c-2'));
        void batch.submit(aMessage('c-2'));
        await next;
      }
    };
    const pumping = pump();
    await batch.writable();
    const when = rounds;
    await pumping;
    expect(when).toBeLessThan(40);
  });

  it('never has a batch on the worker while a write that awaited idle() runs', async () => {
    // No patience for the lock: a write meeting the worker's transaction fails at once.
    db.pragma('busy_timeout = 0');
    const insertVisitor = db.prepare("INSERT INTO visitors (id, site_id, first_seen_at, last_seen_at) VALUES (?, 's-1', 1, 1)");
    const appends: Promise<unknown>[] = [];
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 200; i++) appends.push(batch.submit(aMessage(i % 2 ? 'c-1' : 'c-2')));
      // The batch goes out on the next turn; give the worker a moment to be inside its commit.
      await new Promise((resolve) => setImmediate(resolve));
      const until = performance.now() + 1;
      while (performance.now() < until);
      await batch.idle();
      insertVisitor.run(`v-extra-${round}`);
    }
    await Promise.all(appends);
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 6000 });
    expect(db.prepare("SELECT count(*) AS n FROM visitors WHERE id LIKE 'v-extra-%'").get()).toEqual({ n: 30 });
  });
});

describe('SqliteAppendBatch under load, on the worker', () => {
  let fixture: Awaited<ReturnType<typeof openBatch>>;

  beforeEach(async () => {
    fixture = await openBatch(1);
  });

  afterEach(async () => {
    await closeBatch(fixture);
  });

  it('hands the worker what queued meanwhile before settling the batch it answered, so both work at once', async () => {
    const { batch, commits } = fixture;
    const first = Array.from({ length: 50 }, () => batch.submit(aMessage('c-1')));
    // The first batch leaves on the next turn; these queue while it commits.
    await new Promise((resolve) => setImmediate(resolve));
    const second = Array.from({ length: 50 }, () => batch.submit(aMessage('c-2')));
    let workerBusyAtFirstAck: boolean | null = null;
    void first[0]!.then(() => (workerBusyAtFirstAck = batch.idle() !== undefined));
    const results = await Promise.all([...first, ...second]);
    expect(workerBusyAtFirstAck).toBe(true);
    expect(commits.map((c) => c.appended)).toEqual([50, 50]);
    expect(results.slice(50).map((r) => r.message.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('sends nothing ahead while a write waits for idle: the write runs between the batches', async () => {
    const { batch, db, commits } = fixture;
    db.pragma('busy_timeout = 0');
    const first = Array.from({ length: 50 }, () => batch.submit(aMessage('c-1')));
    await new Promise((resolve) => setImmediate(resolve));
    const second = Array.from({ length: 50 }, () => batch.submit(aMessage('c-2')));
    let messagesSeenByWrite = -1;
    const write = batch.idle()!.then(() => {
      // With the worker inside a transaction this would fail at once (SQLITE_BUSY).
      db.prepare("INSERT INTO visitors (id, site_id, first_seen_at, last_seen_at) VALUES ('v-w', 's-1', 1, 1)").run();
      messagesSeenByWrite = (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    });
    await Promise.all([...first, ...second, write]);
    expect(messagesSeenByWrite).toBe(50);
    expect(commits.map((c) => c.appended)).toEqual([50, 50]);
  });
});
