import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalCheckpointer } from './wal-checkpointer.js';

/** The WAL's size in pages and how many of them are copied into the database, as SQLite reports them. */
function walState(db: Database): { log: number; checkpointed: number } {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  return { log: row!.log, checkpointed: row!.checkpointed };
}

describe('WalCheckpointer', () => {
  let dir: string;
  let db: Database;
  let checkpointer: WalCheckpointer | null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-checkpointer-'));
    db = new BetterSqlite3(join(dir, 'parley.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    checkpointer = null;
  });

  afterEach(async () => {
    await checkpointer?.stop();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Commits `count` rows of about a page each, one transaction per row. */
  function write(count: number): void {
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    for (let i = 0; i < count; i++) insert.run('x'.repeat(4_000));
  }

  it('asks the writer to finish the checkpoint once the WAL is worth restarting, and the WAL then restarts', async () => {
    write(100);
    let asked!: () => void;
    const restartDue = new Promise<void>((resolve) => (asked = resolve));
    checkpointer = new WalCheckpointer({
      file: join(dir, 'parley.db'),
      synchronous: 'normal',
      intervalMs: 5,
      restartPages: 64,
      onRestartDue: () => asked(),
    });
    await restartDue;
    // What the writer's connection does when asked; the next write starts the WAL over.
    db.pragma('wal_checkpoint(PASSIVE)');
    write(1);
    expect(walState(db).log).toBeLessThan(10);
  });

  it('copies the WAL into the database without the writer checkpointing', async () => {
    write(50);
    let asked!: () => void;
    const restartDue = new Promise<void>((resolve) => (asked = resolve));
    checkpointer = new WalCheckpointer({
      file: join(dir, 'parley.db'),
      synchronous: 'normal',
      intervalMs: 5,
      restartPages: 10,
      onRestartDue: () => asked(),
    });
    // The worker only asks once it has copied nearly all of the WAL itself: the rows' pages are
    // in the database file although this connection never checkpointed.
    await restartDue;
    expect(statSync(join(dir, 'parley.db')).size).toBeGreaterThan(50 * 4_000);
  });

  it('stops when asked, also when asked twice', async () => {
    const stopping = new WalCheckpointer({ file: join(dir, 'parley.db'), synchronous: 'full', onRestartDue: () => undefined });
    await expect(stopping.stop()).resolves.toBeUndefined();
    await expect(stopping.stop()).resolves.toBeUndefined();
  });
});
