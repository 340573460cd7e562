/**
 * The PostgreSQL store's connection pool, and the two ways the store talks through it: one
 * statement (`query`, its own transaction) or a transaction on one connection (`transaction`).
 *
 * - Errors come out translated (`pg-errors.ts`): StorageErrors for the contract's constraints,
 *   `DatabaseConnectionError` when the server cannot be reached or the connection was lost.
 * - A transaction that lost a deadlock or a serialization race (SQLSTATE 40P01, 40001; the append
 *   function raises 40001 on purpose) is run again, a few times, from the start: nothing of the
 *   failed attempt was committed.
 * - The pool reconnects by itself: a connection broken by a server restart is thrown away (the
 *   pool's `error` event is listened to, so an idle connection dying never crashes the process),
 *   and the next call opens a new one. A call made while the server is down fails with
 *   `DatabaseConnectionError` after at most `connectTimeoutMs`, and one the server cannot
 *   finish after `queryTimeoutMs`; it never hangs, and never resolves as if written.
 * - Every statement is prepared once per connection (a named statement per distinct SQL text; the
 *   store's texts are fixed or come in a bounded number of filter and patch shapes), so the server parses and plans
 *   the hot reads once, not on every call.
 * - 64-bit integers (times, seqs, counts) are read as numbers: every value the store keeps is far
 *   below 2^53. Text cannot hold U+0000 in PostgreSQL, so that one character is stored as U+FFFD
 *   rather than failing the write (`pgText`).
 */
import pg from 'pg';
import { isConnectionFailure, redactUrl, translatePgError } from './pg-errors.js';

/** How to reach the database. */
export interface PgDatabaseOptions {
  /** `postgres://user:password@host:port/database` (any libpq-style URL node-postgres reads). */
  url: string;
  /** Connections at most. Default 10. */
  poolSize?: number;
  /** How long opening a connection may take before the call fails, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * How long one statement may run before it fails, in ms. The server cancels it then (nothing
   * of it is written); should the server not answer at all (a network cut, a frozen host), the
   * call fails on its own a few seconds later. Default 30000.
   */
  queryTimeoutMs?: number;
}

/** A connection inside a transaction. */
export interface PgTransaction {
  /** Runs one statement of the transaction; resolves with its rows. */
  query<R extends object>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** SQLSTATEs after which a whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);
/** Attempts of a transaction that keeps losing races before its error is passed on. */
const ATTEMPTS = 5;
const INT8_OID = 20;

/** Reads BIGINT as a number (see the file comment). */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** `value` as PostgreSQL text can hold it: U+0000 becomes U+FFFD (see the file comment). */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** Parameters with every string made storable (`pgText`), arrays included. */
function storable(params: readonly unknown[]): unknown[] {
  return params.map((param) => {
    if (typeof param === 'string') return pgText(param);
    if (Array.isArray(param)) return param.map((item: unknown) => (typeof item === 'string' ? pgText(item) : item));
    return param;
  });
}

/** The pool of one PostgreSQL store. */
export class PgDatabase {
  /** The URL without its password, for messages. */
  readonly url: string;
  readonly #pool: pg.Pool;
  /** The prepared statement name of each SQL text. */
  readonly #names = new Map<string, string>();
  #closed = false;

  constructor(options: PgDatabaseOptions) {
    this.url = redactUrl(options.url);
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: options.queryTimeoutMs ?? 30_000,
      query_timeout: (options.queryTimeoutMs ?? 30_000) + 5_000,
      // A connection cut without a word is noticed by the kernel's keepalive, not never.
      keepAlive: true,
      idleTimeoutMillis: 30_000,
      application_name: 'parley',
      types,
    });
    // An idle connection killed by a server restart reports here; the pool has already dropped it.
    this.#pool.on('error', () => undefined);
  }

  /** Runs one statement in its own transaction; resolves with its rows. `missing` names what a foreign key refers to. */
  async query<R extends object>(sql: string, params: readonly unknown[] = [], missing = 'record'): Promise<R[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.#pool.query<R>(this.#prepared(sql, params));
        return result.rows;
      } catch (error) {
        if (attempt < ATTEMPTS && isRetryable(error)) continue;
        throw this.#translate(error, missing);
      }
    }
  }

  /**
   * Runs `work` in a transaction on one connection and commits it; rolls back and rejects when
   * `work` or the commit fails. `work` may run again after a lost deadlock or serialization race.
   */
  async transaction<T>(work: (tx: PgTransaction) => Promise<T>, missing = 'record'): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#transactionOnce(work);
      } catch (error) {
        if (attempt < ATTEMPTS && isRetryable(error)) continue;
        throw this.#translate(error, missing);
      }
    }
  }

  /**
   * Runs `work` on one connection of its own, outside any transaction the pool opens (`work`
   * manages its own, as migrations do). Errors come out translated.
   */
  async withConnection<T>(work: (connection: PgTransaction) => Promise<T>): Promise<T> {
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    try {
      client = await this.#pool.connect();
      const connected = client;
      return await work({ query: async <R extends object>(sql: string, params: readonly unknown[] = []) => (await connected.query<R>(sql, storable(params))).rows });
    } catch (error) {
      if (isConnectionFailure(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw this.#translate(error, 'record');
    } finally {
      client?.release(broken);
    }
  }

  /** Ends every connection; no call may follow. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #transactionOnce<T>(work: (tx: PgTransaction) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const tx: PgTransaction = {
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) => (await client.query<R>(this.#prepared(sql, params))).rows,
      };
      const value = await work(tx);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      if (isConnectionFailure(error)) broken = error instanceof Error ? error : new Error(String(error));
      else await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError as Error));
      throw error;
    } finally {
      // A connection that failed is destroyed, not handed to the next caller.
      client.release(broken);
    }
  }

  /** The statement to send: `sql` under its name, with storable parameters. Statements without parameters (BEGIN, LOCK ...) go as they are. */
  #prepared(sql: string, params: readonly unknown[]): pg.QueryConfig {
    if (params.length === 0) return { text: sql };
    let name = this.#names.get(sql);
    if (name === undefined) {
      name = `parley_${this.#names.size + 1}`;
      this.#names.set(sql, name);
    }
    return { name, text: sql, values: storable(params) };
  }

  #translate(error: unknown, missing: string): unknown {
    return translatePgError(error, missing, this.url);
  }
}

/** True for a lost deadlock or serialization race: the transaction may be run again. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}
