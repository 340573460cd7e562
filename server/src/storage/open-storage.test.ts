import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from './memory-storage.js';
import { openStorage } from './open-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

describe('openStorage', () => {
  const dirs: string[] = [];

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('creates the data directory and a migrated SQLite store in it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'parley-open-'));
    dirs.push(root);
    const dataDir = join(root, 'nested', 'data');
    const storage = await openStorage({ kind: 'sqlite', dataDir, synchronous: 'full' });
    expect(storage).toBeInstanceOf(SqliteStorage);
    expect((await stat(join(dataDir, 'parley.db'))).isFile()).toBe(true);
    expect(await storage.listSites()).toEqual([]);
    expect((storage as SqliteStorage).database.pragma('synchronous', { simple: true })).toBe(2);
    await storage.close();
  });

  it('opens a memory store without touching the disk', async () => {
    const dataDir = join(tmpdir(), `parley-never-${process.pid}-${Date.now()}`);
    const storage = await openStorage({ kind: 'memory', dataDir });
    expect(storage).toBeInstanceOf(MemoryStorage);
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.close();
  });
});
