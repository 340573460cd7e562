import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointHandoff } from './checkpoint-handoff.js';
import { openSqliteDatabase } from './open-sqlite-database.js';

describe('CheckpointHandoff', () => {
  let dir: string;
  let db: Database;
  let handoff: CheckpointHandoff | null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-handoff-'));
    db = openSqliteDatabase({ dataDir: dir, synchronous: 'normal', busyTimeoutMs: 1_000 });
    handoff = null;
  });

  afterEach(async () => {
    await handoff?.stop();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const checkpointsInline = () => db.pragma('wal_autocheckpoint', { simple: true });

  it('leaves checkpoints inside commits until the given number of appends committed, then stops them', () => {
    handoff = new CheckpointHandoff({ db, file: db.name, synchronous: 'normal', after: 5 });
    handoff.countAppends(3);
    expect(checkpointsInline()).toBe(1000);
    handoff.countAppends(2);
    expect(checkpointsInline()).toBe(0);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(64 * 1024 * 1024);
  });

  it('never hands over when told null', () => {
    handoff = new CheckpointHandoff({ db, file: db.name, synchronous: 'normal', after: null });
    handoff.countAppends(1_000_000);
    expect(checkpointsInline()).toBe(1000);
  });

  it('stops cleanly whether or not the worker started', async () => {
    const idle = new CheckpointHandoff({ db, file: db.name, synchronous: 'normal', after: 10 });
    await expect(idle.stop()).resolves.toBeUndefined();
    handoff = new CheckpointHandoff({ db, file: db.name, synchronous: 'normal', after: 0 });
    handoff.countAppends(1);
    await expect(handoff.stop()).resolves.toBeUndefined();
  });
});
