/**
 * Opens the store the relay is configured for (`PARLEY_STORAGE`), ready to use: the data
 * directory exists and the schema is current.
 */
import { mkdir } from 'node:fs/promises';
import { MemoryStorage } from './memory-storage.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

/** Which store to open and where. */
export interface OpenStorageOptions {
  /** `sqlite` (the durable default) or `memory` (nothing survives the process). */
  kind: 'sqlite' | 'memory';
  /** Directory of the database file; created when missing. */
  dataDir: string;
  /** SQLite only: `normal` (default) survives process crashes, `full` also power loss. */
  synchronous?: 'normal' | 'full';
}

/** Opens, and migrates, the store `options` name. */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  if (options.kind === 'memory') return new MemoryStorage();
  await mkdir(options.dataDir, { recursive: true });
  const storage = new SqliteStorage({
    dataDir: options.dataDir,
    ...(options.synchronous !== undefined ? { synchronous: options.synchronous } : {}),
  });
  try {
    await storage.migrate();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
