/** Test helpers for `parley` commands: captured output and a throwaway data directory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.js';
import { openStorage } from '../storage/open-storage.js';
import type { Storage } from '../storage/storage.js';
import type { CliEnv } from './cli-io.js';

/** One command's exit code and what it wrote. */
export interface CliRun {
  code: number;
  out: string[];
  err: string[];
  /** Everything written to stdout and stderr, in one string. */
  all: string;
}

/** Runs `parley <argv>` in-process and captures its output. */
export async function runCaptured(argv: string[], env: CliEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err, all: [...out, ...err].join('\n') };
}

/**
 * A fresh installation for one test: a data directory holding a migrated, empty database (what
 * `parley start` leaves, minus the demo site and admin), removed by `cleanup`.
 */
export async function tempDataDir(): Promise<{ dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
  await (await openStorage({ kind: 'sqlite', dataDir })).close();
  return { dataDir, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Opens the SQLite store in `dataDir`, runs `read` on it and closes it. */
export async function inStore<T>(dataDir: string, read: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage({ kind: 'sqlite', dataDir });
  try {
    return await read(storage);
  } finally {
    await storage.close();
  }
}
