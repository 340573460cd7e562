import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, migrate } from './migrations.js';
import { SqliteStorage } from './sqlite-storage.js';
import { ConversationListQueries } from './sqlite-statements.js';
import type { ConversationFilter } from './storage.js';
import { describeStorageContract } from './storage.contract.js';

const tempDirs: string[] = [];

/** A fresh temporary directory, removed after the file's tests. */
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-sqlite-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeStorageContract('SqliteStorage', async () => new SqliteStorage({ dataDir: await tempDir() }));

describe('SqliteStorage', () => {
  let dataDir: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    dataDir = await tempDir();
    storage = new SqliteStorage({ dataDir });
    await storage.migrate();
  });

  afterEach(async () => {
    await storage.close();
  });

  it('runs in WAL mode with foreign keys, a busy timeout and synchronous=NORMAL by default', () => {
    const pragma = (name: string) => storage.database.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('busy_timeout')).toBe(5000);
    // 1 = NORMAL, 2 = FULL.
    expect(pragma('synchronous')).toBe(1);
  });

  it('uses synchronous=FULL when asked', async () => {
    const full = new SqliteStorage({ dataDir: await tempDir(), synchronous: 'full' });
    expect(full.database.pragma('synchronous', { simple: true })).toBe(2);
    await full.close();
  });

  it('keeps every record across close and reopen', async () => {
    const site = await storage.createSite({
      id: 's-1',
      key: 'demo',
      name: 'Demo',
      secret: 'secret',
      allowedOrigins: ['http://localhost:*'],
      createdAt: 1,
    });
    const visitor = await storage.createVisitor({
      id: 'v-1',
      siteId: site.id,
      userId: 'u-1',
      name: 'Kim',
      email: null,
      verified: true,
      attributes: { plan: 'pro' },
      browser: null,
      os: null,
      language: 'ko',
      currentPage: { url: 'http://localhost:3000/', title: 'Home', at: 2 },
      firstSeenAt: 2,
      lastSeenAt: 2,
    });
    await storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: visitor.id, createdAt: 3 });
    const { message } = await storage.appendMessage({
      id: 'm-1',
      conversationId: 'c-1',
      clientId: 'k-1',
      author: 'visitor',
      authorId: visitor.id,
      text: 'Hello',
      at: 4,
    });
    await storage.setMeta('installed_at', '1');
    const conversation = await storage.getConversation('c-1');
    await storage.close();

    storage = new SqliteStorage({ dataDir });
    await storage.migrate();
    expect(await storage.getSiteByKey('demo')).toEqual(site);
    expect(await storage.findVisitorByUserId(site.id, 'u-1')).toEqual(visitor);
    expect(await storage.getConversation('c-1')).toEqual(conversation);
    expect(await storage.listMessages('c-1', 0, 10)).toEqual([message]);
    expect(await storage.getMeta('installed_at')).toBe('1');
    const next = await storage.appendMessage({
      id: 'm-2',
      conversationId: 'c-1',
      clientId: 'k-2',
      author: 'agent',
      authorId: 'a-1',
      text: 'Hi',
      at: 5,
    });
    expect(next.message.seq).toBe(2);
  });

  it('commits an append still queued when the store closes', async () => {
    await storage.createSite({ id: 's-1', key: 'k', name: 'S', secret: 'x', allowedOrigins: [], createdAt: 1 });
    await storage.createVisitor({
      id: 'v-1', siteId: 's-1', userId: null, name: null, email: null, verified: false, attributes: {},
      browser: null, os: null, language: null, currentPage: null, firstSeenAt: 1, lastSeenAt: 1,
    });
    await storage.createConversation({ id: 'c-1', siteId: 's-1', visitorId: 'v-1', createdAt: 1 });
    const appended = storage.appendMessage({ id: 'm-1', conversationId: 'c-1', clientId: 'k-1', author: 'visitor', authorId: 'v-1', text: 'x', at: 2 });
    await storage.close();
    expect((await appended).message.seq).toBe(1);
    storage = new SqliteStorage({ dataDir });
    expect(await storage.listMessages('c-1', 0, 10)).toEqual([(await appended).message]);
  });

  it('rolls a failed append back whole: the seq it took is given to the next message', async () => {
    await storage.createSite({ id: 's-1', key: 'k', name: 'S', secret: 'x', allowedOrigins: [], createdAt: 1 });
    await storage.createVisitor({
      id: 'v-1', siteId: 's-1', userId: null, name: null, email: null, verified: false, attributes: {},
      browser: null, os: null, language: null, currentPage: null, firstSeenAt: 1, lastSeenAt: 1,
    });
    await storage.createConversation({ id: 'c-1', siteId: 's-1', visitorId: 'v-1', createdAt: 1 });
    const base = { conversationId: 'c-1', author: 'visitor', authorId: 'v-1', text: 'x', at: 2 } as const;
    await storage.appendMessage({ ...base, id: 'm-1', clientId: 'k-1' });
    // Same message id, new client id: the insert clashes after the seq was taken.
    await expect(storage.appendMessage({ ...base, id: 'm-1', clientId: 'k-2' })).rejects.toMatchObject({ code: 'conflict' });
    expect((await storage.getConversation('c-1'))?.lastSeq).toBe(1);
    expect((await storage.appendMessage({ ...base, id: 'm-2', clientId: 'k-3' })).message.seq).toBe(2);
  });

  it('moves WAL checkpoints to a worker once it carried the given number of appends', async () => {
    const busy = new SqliteStorage({ dataDir: await tempDir(), backgroundCheckpointsAfter: 2 });
    await busy.migrate();
    await busy.createSite({ id: 's-1', key: 'k', name: 'S', secret: 'x', allowedOrigins: [], createdAt: 1 });
    await busy.createVisitor({
      id: 'v-1', siteId: 's-1', userId: null, name: null, email: null, verified: false, attributes: {},
      browser: null, os: null, language: null, currentPage: null, firstSeenAt: 1, lastSeenAt: 1,
    });
    await busy.createConversation({ id: 'c-1', siteId: 's-1', visitorId: 'v-1', createdAt: 1 });
    const checkpointsInline = () => busy.database.pragma('wal_autocheckpoint', { simple: true });
    const base = { conversationId: 'c-1', author: 'visitor', authorId: 'v-1', text: 'x', at: 2 } as const;
    await busy.appendMessage({ ...base, id: 'm-1', clientId: 'k-1' });
    expect(checkpointsInline()).toBe(1000);
    await busy.appendMessage({ ...base, id: 'm-2', clientId: 'k-2' });
    expect(checkpointsInline()).toBe(0);
    await busy.close();
    const reopened = new SqliteStorage({ dataDir: join(busy.database.name, '..') });
    expect((await reopened.listMessages('c-1', 0, 10)).map((m) => m.seq)).toEqual([1, 2]);
    await reopened.close();
  });

  it('rewrites no conversation index when a message is appended to an open conversation', () => {
    const withTime = (storage.database.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'conversations'").all() as { name: string; sql: string | null }[])
      .filter((index) => index.sql?.includes('updated_at'));
    expect(withTime.map((index) => index.name)).toEqual(['conversations_resolved_updated']);
    expect(withTime[0]!.sql).toMatch(/WHERE status = 'resolved'$/);
  });

  it('answers every conversation filter the relay uses from an index, resolved ones in index order', () => {
    const queries = new ConversationListQueries(storage.database);
    const filters: ConversationFilter[] = [
      { siteIds: ['s'], status: 'open', assigneeId: null, limit: 50 },
      { siteIds: ['s'], status: 'open', assigneeId: 'a', before: 5, limit: 50 },
      { siteIds: ['s'], status: 'open', limit: 50 },
      { assigneeId: 'a', status: 'open', limit: 50 },
      { visitorId: 'v', limit: 50 },
      { visitorId: 'v', status: 'open', limit: 1 },
      { siteIds: ['s'], status: 'resolved', before: 5, limit: 50 },
      { status: 'resolved', limit: 50 },
      { updatedAfter: 5, limit: 50 },
      { limit: 50 },
    ];
    for (const filter of filters) {
      const { statement, params } = queries.forFilter(filter);
      const plan = (storage.database.prepare(`EXPLAIN QUERY PLAN ${statement.source}`).all(params) as { detail: string }[]).map((step) => step.detail);
      expect(plan.filter((detail) => /^SCAN conversations\b(?! USING)/.test(detail)), JSON.stringify(filter)).toEqual([]);
      if (filter.status === 'resolved') expect(plan.join('\n'), JSON.stringify(filter)).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('answers message and visitor lookups from an index, never a table scan', () => {
    const plans = [
      "SELECT * FROM messages WHERE conversation_id = 'c' AND seq > 0 ORDER BY seq LIMIT 50",
      "SELECT * FROM messages WHERE author_id = 'a' AND client_id = 'c'",
      "SELECT * FROM visitors WHERE site_id = 's' AND user_id = 'u'",
    ].map((sql) => storage.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]);
    for (const plan of plans) {
      const scans = plan.map((step) => step.detail).filter((detail) => /^SCAN (messages|visitors)\b(?! USING)/.test(detail));
      expect(scans).toEqual([]);
    }
  });

  it('upgrades a database made before callback requests, keeping its rows, and then stores requests', async () => {
    const oldDir = await tempDir();
    const db = new BetterSqlite3(join(oldDir, 'parley.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version <= 2));
    db.exec(`
      INSERT INTO sites (id, key, name, secret, created_at) VALUES ('s-1', 'demo', 'Demo', 'x', 1);
      INSERT INTO visitors (id, site_id, first_seen_at, last_seen_at) VALUES ('v-1', 's-1', 1, 1);
      INSERT INTO conversations (id, site_id, visitor_id, created_at, updated_at, last_seq, last_message_text, last_message_author, last_message_at)
        VALUES ('c-1', 's-1', 'v-1', 2, 3, 1, 'Hello', 'visitor', 3);
      INSERT INTO messages (id, conversation_id, seq, client_id, author, author_id, text, at) VALUES ('m-1', 'c-1', 1, 'k-1', 'visitor', 'v-1', 'Hello', 3);
    `);
    db.close();

    const upgraded = new SqliteStorage({ dataDir: oldDir });
    await upgraded.migrate();
    expect(await upgraded.getConversation('c-1')).toMatchObject({ visitorId: 'v-1', lastSeq: 1 });
    expect((await upgraded.listMessages('c-1', 0, 10)).map((m) => m.text)).toEqual(['Hello']);
    const { callback } = await upgraded.createCallback({
      id: 'cb-1', clientId: 'k-cb-1', conversationId: 'c-1', visitorId: 'v-1', phone: '+442071234567', window: null, note: null, createdAt: 4,
    });
    expect(await upgraded.listCallbacks({ visitorId: 'v-1', limit: 5 })).toEqual([callback]);
    await upgraded.close();
  });

  it('answers every callback list from an index, never a table scan', () => {
    const plans = [
      "SELECT * FROM callbacks WHERE visitor_id = 'v' AND created_at >= 1 ORDER BY created_at DESC, rowid DESC LIMIT 5",
      "SELECT * FROM callbacks WHERE visitor_id = 'v' AND status IN (SELECT value FROM json_each('[]')) ORDER BY created_at DESC, rowid DESC LIMIT 5",
      "SELECT * FROM callbacks WHERE conversation_id = 'c' ORDER BY created_at DESC, rowid DESC LIMIT 5",
      "SELECT * FROM callbacks WHERE status IN (SELECT value FROM json_each('[\"requested\"]')) ORDER BY created_at DESC, rowid DESC LIMIT 5",
      "SELECT * FROM callbacks WHERE visitor_id = 'v' AND client_id = 'k'",
    ].map((sql) => storage.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]);
    for (const plan of plans) {
      const scans = plan.map((step) => step.detail).filter((detail) => /^SCAN callbacks\b(?! USING)/.test(detail));
      expect(scans).toEqual([]);
    }
  });
});
