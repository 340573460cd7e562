/**
 * How PostgreSQL errors become the store's errors. The constraints the Storage contract names
 * become StorageErrors (a taken unique key is `conflict`, a missing referenced record is
 * `not_found`), as in the SQLite store. A database that cannot be reached, that refuses the
 * credentials, that went away mid-call or could not finish a statement in time becomes a
 * `DatabaseConnectionError`: one line for the
 * operator naming the database (never its password) and the cause, and, at run time, a refusal
 * the caller may retry; never a StorageError, which would read as a verdict on the data.
 * Anything else is a fault of the store itself and passes through unchanged.
 */
import { StorageError } from './storage-error.js';

/** The database could not be used: unreachable, refused the credentials, lost the connection, or timed out. */
export class DatabaseConnectionError extends Error {
  /** The database URL without its password. */
  readonly url: string;
  /** The system's error code (`ECONNREFUSED`, ...) or PostgreSQL's SQLSTATE (`28P01`, ...), when known. */
  readonly reason: string | undefined;

  constructor(url: string, cause: string, reason?: string, options?: { cause?: unknown }) {
    super(`cannot use the database ${url}: ${cause}`, options);
    this.name = 'DatabaseConnectionError';
    this.url = url;
    this.reason = reason;
  }
}

/** True when `error` is a `DatabaseConnectionError` (what the command line prints as one line, without a stack). */
export function isDatabaseConnectionError(error: unknown): error is DatabaseConnectionError {
  return error instanceof DatabaseConnectionError;
}

/** System error codes of a connection that could not be made or was lost, with their meaning. */
const SYSTEM_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there (is PostgreSQL running, on that host and port?)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENOTFOUND: 'the host name is unknown',
  EAI_AGAIN: 'the host name could not be resolved',
};

/** SQLSTATEs about the connection or the server rather than the statement, with their meaning. */
const SERVER_CAUSES: Record<string, string> = {
  '28P01': 'the server refused the password',
  '28000': 'the server refused the user',
  '3D000': 'the database does not exist',
  '57P01': 'the server is shutting down',
  '57P02': 'the server crashed',
  '57P03': 'the server is not accepting connections yet',
  '53300': 'the server has too many connections',
  '42501': 'the user lacks a privilege the relay needs',
  '57014': 'the statement took too long and was cancelled',
};

/** Messages of node-postgres for a server that did not answer in time (to connect, or to a statement). */
const SLOW = /timeout exceeded when trying to connect|Connection terminated due to connection timeout|Query read timeout/i;
/** Messages of node-postgres for a connection that ended. */
const LOST = /Connection terminated|connection error and is not queryable|Client was closed|Cannot use a pool after calling end/i;

/** The error's `code` property, when it has a string one. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The cause of a connection-level failure in words, or undefined when `error` is about the statement. */
function connectionCause(error: unknown): { cause: string; reason: string | undefined } | undefined {
  const code = codeOf(error);
  if (code !== undefined) {
    const known = SYSTEM_CAUSES[code] ?? SERVER_CAUSES[code];
    if (known !== undefined) return { cause: `${known} (${code})`, reason: code };
    // Class 08: connection exceptions.
    if (code.startsWith('08')) return { cause: `the connection failed (${code})`, reason: code };
  }
  if (error instanceof Error && SLOW.test(error.message)) return { cause: 'the server did not answer in time', reason: undefined };
  if (error instanceof Error && LOST.test(error.message)) return { cause: 'the connection was lost', reason: undefined };
  return undefined;
}

/** True when `error` says the database could not be reached or the connection was lost. */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof DatabaseConnectionError || connectionCause(error) !== undefined;
}

/**
 * The store's error for a driver error: a StorageError for the contract's constraints, a
 * `DatabaseConnectionError` for a connection failure, else the error itself.
 * `missing` names the record a foreign key refers to.
 */
export function translatePgError(error: unknown, missing: string, url: string): unknown {
  if (error instanceof StorageError || error instanceof DatabaseConnectionError) return error;
  const code = codeOf(error);
  if (code === '23505') return withCause(new StorageError('conflict', `A unique key is already taken (${(error as Error).message}).`), error);
  if (code === '23503') return withCause(new StorageError('not_found', `No such ${missing}.`), error);
  const connection = connectionCause(error);
  if (connection) return new DatabaseConnectionError(url, connection.cause, connection.reason, { cause: error });
  return error;
}

/** `storageError` with the driver's error as its `cause` (which names the constraint). */
function withCause(storageError: StorageError, cause: unknown): StorageError {
  Object.defineProperty(storageError, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return storageError;
}

/** A database URL fit for logs: the password replaced by `***`, or the text unchanged when it is not a URL. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable database URL)';
  }
}
