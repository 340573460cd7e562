import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirError, toDataDirError } from './data-dir.js';

/** The error a real failing call raises. */
async function failure(action: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
}

describe('toDataDirError', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  // A full disk cannot be made here without mounting a file system; /dev/full fails every write
  // with the same ENOSPC a full disk gives, from a real system call.
  it('says the disk is full for a write that failed with ENOSPC', async () => {
    const error = await failure(async () => {
      const handle = await open('/dev/full', 'w');
      try {
        await handle.write('x');
      } finally {
        await handle.close();
      }
    });
    expect(error).toMatchObject({ code: 'ENOSPC' });
    const translated = toDataDirError(error, '/srv/parley');
    expect(translated).toBeInstanceOf(DataDirError);
    expect(translated.message).toBe('cannot use the data directory /srv/parley: the disk is full (ENOSPC)');
  });

  it('says the disk is full when SQLite ran out of room (SQLITE_FULL)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-full-'));
    dirs.push(dir);
    const db = new BetterSqlite3(join(dir, 'parley.db'));
    try {
      // The page limit makes SQLite report SQLITE_FULL exactly as on a full disk.
      db.pragma('max_page_count = 2');
      const error = await failure(() => db.exec(`CREATE TABLE a (x); CREATE TABLE b (x); INSERT INTO a VALUES (randomblob(100000));`));
      expect(error).toMatchObject({ code: 'SQLITE_FULL' });
      expect(toDataDirError(error, dir).message).toBe(`cannot use the data directory ${dir}: the disk is full (SQLITE_FULL)`);
    } finally {
      db.close();
    }
  });

  it('reads an extended SQLite code by its base, and leaves unrelated errors as they are', () => {
    const ioError = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    expect(toDataDirError(ioError, '/d').message).toBe('cannot use the data directory /d: the disk reported an input/output error (SQLITE_IOERR_WRITE)');
    const bug = new TypeError('x is not a function');
    expect(toDataDirError(bug, '/d')).toBe(bug);
  });
});
