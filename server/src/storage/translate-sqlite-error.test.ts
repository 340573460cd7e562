import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from './storage-error.js';
import { guarded, translateSqliteError } from './translate-sqlite-error.js';

describe('translateSqliteError', () => {
  let db: Database;

  beforeEach(() => {
    db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    db.exec(`
      CREATE TABLE parents (id TEXT PRIMARY KEY, key TEXT UNIQUE);
      CREATE TABLE children (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parents (id), body TEXT NOT NULL);
      INSERT INTO parents VALUES ('p-1', 'k');
    `);
  });

  afterEach(() => db.close());

  /** The error `sql` throws. */
  function failureOf(sql: string): unknown {
    try {
      db.exec(sql);
    } catch (error) {
      return error;
    }
    throw new Error(`${sql} did not fail`);
  }

  it('turns a taken unique key or primary key into a conflict', () => {
    for (const sql of ["INSERT INTO parents VALUES ('p-2', 'k')", "INSERT INTO parents VALUES ('p-1', 'other')"]) {
      expect(translateSqliteError(failureOf(sql), 'parent')).toMatchObject({ name: 'StorageError', code: 'conflict' });
    }
  });

  it('turns a missing referenced record into not_found naming it', () => {
    const translated = translateSqliteError(failureOf("INSERT INTO children VALUES ('c-1', 'nope', 'x')"), 'parent');
    expect(translated).toBeInstanceOf(StorageError);
    expect(translated).toMatchObject({ code: 'not_found', message: 'No such parent.' });
  });

  it('passes other failures through unchanged', () => {
    const notNull = failureOf("INSERT INTO children VALUES ('c-1', 'p-1', NULL)");
    expect(translateSqliteError(notNull, 'parent')).toBe(notNull);
    const plain = new TypeError('not a driver error');
    expect(translateSqliteError(plain, 'parent')).toBe(plain);
  });
});

describe('guarded', () => {
  it('returns what the write returns and throws its failure translated', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec("CREATE TABLE t (id TEXT PRIMARY KEY); INSERT INTO t VALUES ('a')");
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    expect(guarded('row', () => insert.run('b').changes)).toBe(1);
    expect(() => guarded('row', () => insert.run('a'))).toThrow(expect.objectContaining({ code: 'conflict' }));
    db.close();
  });
});
