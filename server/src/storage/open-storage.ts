/**
 * Opens the store the relay is configured for, ready to use: PostgreSQL when a database URL is
 * given (`PARLEY_DATABASE_URL`; reachable, credentials accepted, schema current), else
 * `PARLEY_STORAGE` (SQLite: the data directory exists, is private and takes writes, and the
 * schema is current). The PostgreSQL store and its driver are loaded with `import()` only then,
 * so a SQLite relay never loads `pg`.
 */
import type { Logger } from '../log.js';
import { prepareDataDir, toDataDirError } from './data-dir.js';
import { MemoryStorage } from './memory-storage.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

/** Which store to open and where. */
export interface OpenStorageOptions {
  /** `sqlite` (the durable default) or `memory` (nothing survives the process). */
  kind: 'sqlite' | 'memory';
  /** Directory of the database file; created (0700) when missing, unless `create` is false. */
  dataDir: string;
  /** False for commands that edit an existing installation: a missing directory is an error. Default true. */
  create?: boolean;
  /** Told when loose permissions of the directory or its files were tightened. */
  log?: Logger;
  /** SQLite only: `normal` (default) survives process crashes, `full` also power loss. */
  synchronous?: 'normal' | 'full';
  /** A PostgreSQL URL: when given, the store is PostgreSQL and `kind` and `dataDir` are not used. */
  databaseUrl?: string | null;
  /** PostgreSQL only: connections at most. Default 10. */
  databasePoolSize?: number;
}

/** Opens, and migrates, the store `options` name. */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  if (options.databaseUrl) {
    const { openPgStorage } = await import('./pg-storage.js');
    return openPgStorage({
      url: options.databaseUrl,
      create: options.create ?? true,
      ...(options.databasePoolSize !== undefined ? { poolSize: options.databasePoolSize } : {}),
    });
  }
  if (options.kind === 'memory') return new MemoryStorage();
  const dir = await prepareDataDir(options.dataDir, { create: options.create ?? true });
  if (dir.tightened.length > 0) {
    options.log?.info(`data directory permissions tightened to owner-only: ${dir.tightened.join('; ')}`, { path: dir.path });
  }
  let storage: SqliteStorage;
  try {
    storage = new SqliteStorage({
      dataDir: dir.path,
      ...(options.synchronous !== undefined ? { synchronous: options.synchronous } : {}),
    });
  } catch (error) {
    throw toDataDirError(error, dir.path);
  }
  try {
    await storage.migrate();
  } catch (error) {
    await storage.close();
    throw toDataDirError(error, dir.path);
  }
  return storage;
}
