/**
 * The one place that tells "the database cannot be used right now" from every other storage
 * failure. Such a failure says nothing about the request: nothing was stored (or, for a write
 * whose commit was cut off, the same client id sent again is deduplicated), and the same request
 * a little later may well succeed. Clients get the retryable `unavailable` error (HTTP 503)
 * instead of `internal` (HTTP 500), keep what they sent, and send it again.
 *
 * PostgreSQL: every `DatabaseConnectionError` (`pg-errors.ts` already sorts connection refused,
 * reset or terminated, pool and statement timeouts, `57P01 admin_shutdown`, `57P03
 * cannot_connect_now` and the `08` class into it). SQLite: the database stayed locked past its
 * busy timeout (`SQLITE_BUSY`), the disk failed a read or write (`SQLITE_IOERR`), or it is full
 * (`SQLITE_FULL`). Recognised by the driver's error code, so the transport and HTTP layers need
 * no driver.
 */
import type { Logger } from '../log.js';
import { DatabaseConnectionError } from './pg-errors.js';

/** What a client refused because the store is unavailable is told to wait before retrying (`Retry-After`), in seconds. */
export const STORE_RETRY_AFTER_S = 5;

/** SQLite result codes (with their extended codes, e.g. `SQLITE_IOERR_WRITE`) that mean the database cannot be used now. */
const SQLITE_UNAVAILABLE = /^SQLITE_(?:BUSY|IOERR|FULL)(?:_|$)/;

/** How many `cause` links are followed (a batch may wrap the driver's error). */
const MAX_CAUSES = 4;

/** True when `error`, or an error it was caused by, says the store cannot be reached or used right now. */
export function isStoreUnavailable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSES && current instanceof Error; depth += 1) {
    if (current instanceof DatabaseConnectionError) return true;
    if (current.name === 'SqliteError' && SQLITE_UNAVAILABLE.test(String((current as { code?: unknown }).code))) return true;
    current = current.cause;
  }
  return false;
}

/** At most one log line per this many milliseconds about requests refused for an unreachable store. */
export const STORE_LOG_INTERVAL_MS = 10_000;

/** When the last line was written, and how many refusals went unlogged since (one process, one outage at a time). */
const logged = { at: Number.NEGATIVE_INFINITY, quiet: 0 };

/**
 * Logs that a request was refused because the store is unreachable: the first refusal at once,
 * then at most one line per `STORE_LOG_INTERVAL_MS` with how many were refused meanwhile. During
 * an outage every client's every retry is refused; a line each would bury the log.
 */
export function logStoreUnavailable(log: Logger, what: string, error: unknown, now = Date.now()): void {
  if (now - logged.at < STORE_LOG_INTERVAL_MS) {
    logged.quiet += 1;
    return;
  }
  const refusedSinceLastLine = logged.quiet;
  logged.at = now;
  logged.quiet = 0;
  log.error('refused: the store is unavailable', { what, reason: error instanceof Error ? error.message : String(error), refusedSinceLastLine });
}
