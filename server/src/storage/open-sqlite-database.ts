/**
 * Opens the SQLite connection of the store with the settings its guarantees rest on.
 *
 * Durability: the database runs in WAL mode. With `synchronous=NORMAL` (the default) a committed
 * transaction survives the process being killed, because its pages are already in the WAL file
 * the operating system holds; only a power loss or kernel crash can drop the newest commits.
 * `synchronous=FULL` fsyncs the WAL on every commit and survives those too, at some throughput.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';

/** The database file's name inside the data directory. */
export const DATABASE_FILE = 'parley.db';

/**
 * The page size of a database this relay creates, in bytes. Every commit writes each page it
 * dirtied to the WAL whole (and the checkpoint later copies it back), and an append dirties a
 * few pages it shares with no other append of its batch: its conversation's row and its entries
 * in the (conversation_id, seq) and (author_id, client_id) indexes. Half of SQLite's default 4096
 * cuts the WAL written per message by 30-40% at no measurable CPU cost; 1024 cuts more but spends
 * main-thread time on the extra page splits of smaller leaves.
 */
export const NEW_DATABASE_PAGE_SIZE = 2048;

/** How to open the connection. */
export interface SqliteDatabaseOptions {
  /** Directory of `parley.db`; it must exist. */
  dataDir: string;
  /** `normal` survives process crashes; `full` also survives power loss. */
  synchronous: 'normal' | 'full';
  /** How long a write waits for another process's lock before failing, in ms. */
  busyTimeoutMs: number;
  /** Page size if the file is new (default `NEW_DATABASE_PAGE_SIZE`); an existing database keeps its own. */
  pageSize?: number;
}

/**
 * Opens (creating when missing) `<dataDir>/parley.db` in WAL mode with foreign keys enforced.
 * A new file is created 0600 (it holds every message and each site's identity secret); SQLite
 * gives its WAL and shared-memory files the database file's mode, so they are private too.
 */
export function openSqliteDatabase(options: SqliteDatabaseOptions): Database {
  const file = join(options.dataDir, DATABASE_FILE);
  // 'a' creates without truncating; an existing file keeps its mode (the data dir check tightens it).
  closeSync(openSync(file, 'a', 0o600));
  // `timeout` is SQLite's busy_timeout: how long to wait for another process's write lock.
  const db = new BetterSqlite3(file, { timeout: options.busyTimeoutMs });
  // The page size is fixed when the first page is written, and a WAL database can never change
  // it, so it is set only on an empty file and before WAL mode (which writes the header).
  if (db.pragma('page_count', { simple: true }) === 0) {
    db.pragma(`page_size = ${Math.trunc(options.pageSize ?? NEW_DATABASE_PAGE_SIZE)}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  return db;
}
