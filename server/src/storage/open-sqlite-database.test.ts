import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, NEW_DATABASE_PAGE_SIZE, openSqliteDatabase } from './open-sqlite-database.js';

describe('openSqliteDatabase', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-open-db-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens parley.db in WAL mode with foreign keys, the busy timeout and the synchronous level asked for', () => {
    const db = openSqliteDatabase({ dataDir: dir, synchronous: 'full', busyTimeoutMs: 1_234 });
    expect(db.name).toBe(join(dir, DATABASE_FILE));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1_234);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('creates a new database with the smaller page size, and keeps it on reopen', () => {
    const created = openSqliteDatabase({ dataDir: dir, synchronous: 'normal', busyTimeoutMs: 100 });
    created.exec('CREATE TABLE t (x)');
    expect(created.pragma('page_size', { simple: true })).toBe(NEW_DATABASE_PAGE_SIZE);
    created.close();
    const reopened = openSqliteDatabase({ dataDir: dir, synchronous: 'normal', busyTimeoutMs: 100, pageSize: 8192 });
    expect(reopened.pragma('page_size', { simple: true })).toBe(NEW_DATABASE_PAGE_SIZE);
    reopened.close();
  });

  it('leaves an existing database at its own page size, rows intact', () => {
    const old = new BetterSqlite3(join(dir, DATABASE_FILE));
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('kept')");
    old.close();
    const db = openSqliteDatabase({ dataDir: dir, synchronous: 'normal', busyTimeoutMs: 100 });
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    db.exec("INSERT INTO t VALUES ('new')");
    expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual(['kept', 'new']);
    db.close();
  });
});
