/**
 * The data directory: where the database (with every message and each site's identity secret)
 * and the relay secret live. It is made private (0700, files 0600) because anyone who can read
 * it can read every conversation and forge identity hashes. A directory that cannot be used
 * (read-only, full, missing its parent) is refused before anything else starts, with one line
 * naming the path and the cause.
 */
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** Mode of the data directory: only the relay's user may list or enter it. */
export const DATA_DIR_MODE = 0o700;
/** Mode of every file the relay keeps in it: only the relay's user may read or write it. */
export const DATA_FILE_MODE = 0o600;

/** Name of the file written and removed to prove the directory takes writes. */
const WRITE_PROBE = '.parley-write-check';

/** Thrown when the data directory cannot be used; the message is one line for the operator. */
export class DataDirError extends Error {
  /** The directory (absolute). */
  readonly path: string;
  /** The system's error code (`EACCES`, `ENOSPC`, ...) or SQLite's, when known. */
  readonly reason: string | undefined;

  constructor(path: string, cause: string, reason?: string) {
    super(`cannot use the data directory ${path}: ${cause}`);
    this.name = 'DataDirError';
    this.path = path;
    this.reason = reason;
  }
}

/** What `prepareDataDir` did. */
export interface PreparedDataDir {
  /** The directory, absolute. */
  path: string;
  /** True when it did not exist and was made. */
  created: boolean;
  /** What was tightened, each as `<path> <old mode> -> <new mode>`; empty when nothing was loose. */
  tightened: string[];
}

/** How to open the data directory. */
export interface PrepareDataDirOptions {
  /** Make the directory when missing (`parley start`); commands that edit an installation do not. */
  create: boolean;
}

/**
 * Makes `dir` ready for the relay: created 0700 when missing (its parent must exist: a typo in
 * `--data-dir` must not quietly start a second installation somewhere else), group and other
 * permissions removed from the directory and the files in it, and a write proved to succeed.
 * Throws `DataDirError` when the directory cannot be used.
 */
export async function prepareDataDir(dir: string, options: PrepareDataDirOptions): Promise<PreparedDataDir> {
  const path = resolve(dir);
  let created = false;
  try {
    const info = await stat(path).catch((error: unknown) => {
      if (codeOf(error) !== 'ENOENT') throw error;
      if (!options.create) throw new DataDirError(path, 'it does not exist', 'ENOENT');
      return null;
    });
    if (info === null) {
      await mkdir(path, { mode: DATA_DIR_MODE });
      created = true;
    } else if (!info.isDirectory()) {
      throw new DataDirError(path, 'it is a file, not a directory (ENOTDIR)', 'ENOTDIR');
    }
  } catch (error) {
    throw toDataDirError(error, path);
  }
  const tightened = await tighten(path);
  await proveWritable(path);
  return { path, created, tightened };
}

/** Removes group and other permissions from the directory and every file directly in it. */
async function tighten(path: string): Promise<string[]> {
  const changes: string[] = [];
  const restrict = async (target: string, mode: number, wanted: number): Promise<void> => {
    const loose = mode & 0o777;
    if ((loose & 0o077) === 0) return;
    const next = loose & wanted;
    try {
      await chmod(target, next);
      changes.push(`${target} ${octal(loose)} -> ${octal(next)}`);
    } catch (error) {
      // Not ours to change (another owner): say so in the same log line rather than refuse to run.
      changes.push(`${target} ${octal(loose)} left as is (${codeOf(error) ?? 'error'})`);
    }
  };
  const dirInfo = await stat(path);
  await restrict(path, dirInfo.mode, DATA_DIR_MODE);
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch (error) {
    throw toDataDirError(error, path);
  }
  for (const name of entries) {
    const file = join(path, name);
    const info = await stat(file).catch(() => null);
    if (info?.isFile()) await restrict(file, info.mode, DATA_FILE_MODE);
  }
  return changes;
}

/**
 * Writes a byte to a new file and removes it: a read-only directory or file system, or a full
 * disk, fails here, at start, with the real cause, rather than later inside SQLite as a
 * misleading "unable to open database file".
 */
async function proveWritable(path: string): Promise<void> {
  const probe = join(path, WRITE_PROBE);
  try {
    const handle = await open(probe, constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC, DATA_FILE_MODE);
    try {
      await handle.write('x');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await unlink(probe);
  } catch (error) {
    await unlink(probe).catch(() => undefined);
    throw toDataDirError(error, path);
  }
}

/** `0o755` -> `0755`. */
function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** The `code` of a system or SQLite error, if it has one. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** What each system or SQLite error means for a data directory, in the operator's words. */
const CAUSES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied: the relay\'s user may not write there',
  EPERM: 'operation not permitted for the relay\'s user',
  EROFS: 'it is on a read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'a file the relay keeps there is a directory',
  SQLITE_FULL: 'the disk is full',
  SQLITE_READONLY: 'the database is read-only for the relay\'s user',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_NOTADB: 'parley.db is not a SQLite database',
  SQLITE_CORRUPT: 'parley.db is damaged',
  SQLITE_IOERR: 'the disk reported an input/output error',
};

/**
 * The operator's version of a failure to use the data directory at `path`, or the error
 * itself when it says nothing about the directory (a programming error keeps its stack).
 */
export function toDataDirError(error: unknown, path: string): Error {
  if (error instanceof DataDirError) return error;
  const code = codeOf(error);
  if (code === 'ENOENT') {
    const parent = dirname(path);
    return new DataDirError(path, `its parent directory ${parent} does not exist (create it first, or choose another --data-dir)`, code);
  }
  // SQLite's extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED) share their base's meaning.
  const known = code === undefined ? undefined : (CAUSES[code] ?? CAUSES[code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1')]);
  if (known === undefined) return error instanceof Error ? error : new Error(String(error));
  return new DataDirError(path, `${known} (${code})`, code);
}
