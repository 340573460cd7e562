/**
 * Message appends of the SQLite store, group-committed: the appends queued in one turn of the
 * event loop (or while the previous batch was committing) share one transaction, and each
 * caller's promise settles only after that commit, so an acknowledged message is durable.
 *
 * Where a batch commits depends on its size. A small one (a relay under moderate load, a
 * message every millisecond or so) commits at once on the store's own connection: tens of
 * microseconds, where a hop to another thread and back would add wake-ups, and on a machine
 * whose cores are all busy, milliseconds of scheduling, to every acknowledgement. A large one
 * (many connections sending at once) goes to the append worker (`sqlite-append-worker.ts`),
 * whose commit of hundreds of appends would otherwise hold the event loop for milliseconds;
 * meanwhile the relay goes on reading, acknowledging and delivering.
 *
 * One batch is on the worker at a time, and the store's own connection writes only between
 * worker batches (`idle`), so the two connections never wait for each other's lock: a wait
 * there would block the event loop. Under load the next worker batch leaves as soon as the last
 * one is back, before its callers are settled, so the worker commits while this thread
 * acknowledges; but never when a write is waiting for `idle`: then the next batch is sent on a
 * later turn of the event loop, after that write.
 */
import type { Database } from 'better-sqlite3';
import { createAppendCommitter, errorOf, type AppendOutcome, type BatchAnswer } from './sqlite-append-commit.js';
import { SqliteAppendWorker, type AppendWorkerOptions } from './sqlite-append-worker.js';
import { messageFromRow, type ConversationRow } from './sqlite-rows.js';
import { APPEND_SQL } from './sqlite-statements.js';
import type { AppendResult, NewMessage } from './storage.js';

/** What the append batch needs from the store that owns it. */
export interface SqliteAppendBatchOptions extends AppendWorkerOptions {
  /** The store's own connection (migrated before the first append), which commits small batches. */
  db: Database;
  /** Smallest batch that goes to the worker (default `WORKER_BATCH_MIN`); smaller ones commit on `db`. */
  workerBatchMin?: number;
  /**
   * Called once per committed batch, before any caller's promise settles: `appended` counts the
   * batch's inputs (refused ones included) and `conversations` holds, in order, each conversation
   * row a NEW message changed (a deduplicated retry changes nothing).
   */
  onCommit: (appended: number, conversations: ConversationRow[]) => void;
}

interface Pending {
  input: NewMessage;
  resolve: (value: AppendResult) => void;
  reject: (error: unknown) => void;
}

// Captured at load so that tests faking timers cannot stall the store's commits.
const nextTurn = setImmediate;

/** Most appends per transaction: bounds how long one commit holds the write lock. */
const MAX_BATCH = 512;

/**
 * Smallest batch committed on the worker. An append costs about 30-50 us to commit; below this
 * a batch holds the event loop for under a millisecond, less than what the hop to the worker
 * costs it in wake-ups and latency on a busy machine.
 */
export const WORKER_BATCH_MIN = 24;

/** The appends of one SQLite store, queued and committed in batches, here or on the append worker. */
export class SqliteAppendBatch {
  readonly #worker: SqliteAppendWorker;
  readonly #db: Database;
  readonly #workerBatchMin: number;
  /** Commits on the store's connection, prepared on the first small batch (after migrating). */
  #commitHere: ((inputs: readonly NewMessage[]) => BatchAnswer) | null = null;
  readonly #onCommit: SqliteAppendBatchOptions['onCommit'];
  #queue: Pending[] = [];
  #scheduled = false;
  #busy = false;
  /** Appends submitted, and appends settled (committed or refused), ever: settling is in submission order. */
  #submitted = 0;
  #settled = 0;
  #settledWaiters: { through: number; resolve: () => void }[] = [];
  #idleWaiters: (() => void)[] = [];

  constructor(options: SqliteAppendBatchOptions) {
    this.#worker = new SqliteAppendWorker(options);
    this.#db = options.db;
    this.#workerBatchMin = options.workerBatchMin ?? WORKER_BATCH_MIN;
    this.#onCommit = options.onCommit;
  }

  /** Queues an append; resolves once the batch holding it has committed. */
  submit(input: NewMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#submitted++;
      this.#schedule();
    });
  }

  /**
   * Resolves once no batch is on the worker and every append submitted before this call has
   * settled. The store awaits it right before a synchronous write of its own connection, which
   * then sees those appends and meets no lock; reads await `settled` only.
   */
  async writable(): Promise<void> {
    // Only the appends submitted before this call: under steady load new ones keep coming.
    const through = this.#submitted;
    for (;;) {
      const waiting = this.#settledThrough(through) ?? this.idle();
      if (!waiting) return;
      await waiting;
    }
  }

  /** Resolves once every append submitted before this call has settled (undefined when they have). */
  settled(): Promise<void> | undefined {
    return this.#settledThrough(this.#submitted);
  }

  /** Turns SQLite's checkpoints inside commits off, once a background checkpointer does them. */
  stopAutocheckpoints(): void {
    this.#worker.stopAutocheckpoints();
  }

  /** Commits what is queued, then ends the worker. */
  async close(): Promise<void> {
    await this.settled();
    await this.#worker.stop();
  }

  /**
   * Resolves when the batch on the worker has settled (undefined when none is out). The store
   * awaits it right before a synchronous write of its own connection on tables appends never
   * touch, which then meets no lock.
   */
  idle(): Promise<void> | undefined {
    if (!this.#busy) return undefined;
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #settledThrough(through: number): Promise<void> | undefined {
    if (this.#settled >= through) return undefined;
    return new Promise((resolve) => this.#settledWaiters.push({ through, resolve }));
  }

  #schedule(): void {
    if (this.#scheduled || this.#busy || this.#queue.length === 0) return;
    this.#scheduled = true;
    nextTurn(() => this.#send());
  }

  #send(): void {
    this.#scheduled = false;
    if (this.#busy || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, MAX_BATCH);
    if (batch.length < this.#workerBatchMin) {
      this.#commitHere ??= createAppendCommitter(this.#db, APPEND_SQL);
      const answer = this.#commitHere(batch.map((pending) => pending.input));
      if ('failed' in answer) this.#done(batch, null, errorOf(answer.failed));
      else this.#done(batch, answer.outcomes, null);
      return;
    }
    this.#toWorker(batch);
  }

  #toWorker(batch: Pending[]): void {
    this.#busy = true;
    this.#worker.commit(batch.map((pending) => pending.input)).then(
      (outcomes) => this.#workerDone(batch, outcomes, null),
      (error: unknown) => this.#workerDone(batch, null, error),
    );
  }

  /**
   * A worker batch committed. When enough appends queued meanwhile for another worker batch and
   * no write of the store's own connection is waiting for the worker to be idle, they go to the
   * worker at once, before this batch's callers are settled: the worker commits them while this
   * thread acknowledges and delivers, rather than one waiting for the other. (A write that starts
   * waiting meanwhile waits for that batch too: one batch, then the next goes on a later turn.)
   */
  #workerDone(batch: Pending[], outcomes: AppendOutcome[] | null, failure: unknown): void {
    this.#busy = false;
    if (this.#idleWaiters.length === 0 && this.#queue.length >= this.#workerBatchMin) {
      this.#toWorker(this.#queue.splice(0, MAX_BATCH));
    }
    this.#done(batch, outcomes, failure);
  }

  /** Settles a batch's callers and everyone waiting on it; the next batch goes on a later turn. */
  #done(batch: Pending[], outcomes: AppendOutcome[] | null, failure: unknown): void {
    if (outcomes) {
      const changed: ConversationRow[] = [];
      for (const outcome of outcomes) if (outcome.ok && outcome.conversation) changed.push(outcome.conversation);
      this.#onCommit(batch.length, changed);
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes?.[index];
      if (outcome?.ok) pending.resolve({ message: messageFromRow(outcome.message), duplicate: outcome.duplicate });
      else if (outcome) pending.reject(errorOf(outcome.fault));
      else pending.reject(failure ?? new Error('The batch reported no outcome for this append.'));
    });
    this.#settled += batch.length;
    this.#settledWaiters = this.#settledWaiters.filter((waiter) => {
      if (waiter.through > this.#settled) return true;
      waiter.resolve();
      return false;
    });
    if (!this.#busy) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
    this.#schedule();
  }
}
