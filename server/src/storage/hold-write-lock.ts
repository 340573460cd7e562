/**
 * For tests of a store outage: holds a SQLite database's write lock from a second connection,
 * as another process in the middle of a long write would, until the returned function runs.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DATABASE_FILE } from './open-sqlite-database.js';

/** Takes the write lock of `<dataDir>/parley.db`; the returned function lets it go (once). */
export function holdWriteLock(dataDir: string): () => void {
  const other = new BetterSqlite3(join(dataDir, DATABASE_FILE));
  other.exec('BEGIN EXCLUSIVE');
  return () => {
    if (!other.open) return;
    other.exec('ROLLBACK');
    other.close();
  };
}
