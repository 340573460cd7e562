import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { DataDirError } from './data-dir.js';
import { MemoryStorage } from './memory-storage.js';
import { openStorage } from './open-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

/** Permission bits of a path. */
async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** A logger that keeps what it was told. */
function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (message) => lines.push(message), error: (message) => lines.push(message) };
}

describe('openStorage', () => {
  const dirs: string[] = [];
  const tempRoot = async (): Promise<string> => {
    const root = await mkdtemp(join(tmpdir(), 'parley-open-'));
    dirs.push(root);
    return root;
  };

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('creates a private data directory (0700) whose database, WAL and shared-memory files are 0600', async () => {
    const dataDir = join(await tempRoot(), 'data');
    const log = recordingLog();
    const storage = await openStorage({ kind: 'sqlite', dataDir, synchronous: 'full', log });
    expect(storage).toBeInstanceOf(SqliteStorage);
    expect(await storage.listSites()).toEqual([]);
    expect((storage as SqliteStorage).database.pragma('synchronous', { simple: true })).toBe(2);
    await storage.createSite({ id: 's1', key: 'k1', name: 'Shop', secret: 'identity-secret', allowedOrigins: [], createdAt: 1 });
    expect(await modeOf(dataDir)).toBe(0o700);
    for (const file of ['parley.db', 'parley.db-wal', 'parley.db-shm']) expect(await modeOf(join(dataDir, file))).toBe(0o600);
    expect(log.lines).toEqual([]);
    await storage.close();
  });

  it('tightens an existing directory and its files to owner-only, with one log line naming each change', async () => {
    const dataDir = join(await tempRoot(), 'data');
    const first = await openStorage({ kind: 'sqlite', dataDir });
    await first.close();
    await chmod(dataDir, 0o755);
    await chmod(join(dataDir, 'parley.db'), 0o644);
    await writeFile(join(dataDir, 'relay-secret'), 'old\n', { mode: 0o664 });
    await chmod(join(dataDir, 'relay-secret'), 0o664);
    await mkdir(join(dataDir, 'backups'), { mode: 0o755 });

    const log = recordingLog();
    const storage = await openStorage({ kind: 'sqlite', dataDir, log });
    await storage.close();
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, 'parley.db'))).toBe(0o600);
    expect(await modeOf(join(dataDir, 'relay-secret'))).toBe(0o600);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain(`${dataDir} 0755 -> 0700`);
    expect(log.lines[0]).toContain(`${join(dataDir, 'parley.db')} 0644 -> 0600`);
    expect(log.lines[0]).toContain(`${join(dataDir, 'relay-secret')} 0664 -> 0600`);

    const again = recordingLog();
    await (await openStorage({ kind: 'sqlite', dataDir, log: again })).close();
    expect(again.lines).toEqual([]);
  });

  it('refuses a data directory whose parent is missing, naming the path, and creates nothing', async () => {
    const root = await tempRoot();
    const dataDir = join(root, 'typo', 'data');
    const failure = await openStorage({ kind: 'sqlite', dataDir }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DataDirError);
    expect((failure as Error).message).toBe(`cannot use the data directory ${dataDir}: its parent directory ${join(root, 'typo')} does not exist (create it first, or choose another --data-dir)`);
    await expect(stat(join(root, 'typo'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('opens a memory store without touching the disk', async () => {
    const dataDir = join(tmpdir(), `parley-never-${process.pid}-${Date.now()}`);
    const storage = await openStorage({ kind: 'memory', dataDir });
    expect(storage).toBeInstanceOf(MemoryStorage);
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.close();
  });
});
