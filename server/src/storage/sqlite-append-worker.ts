/**
 * The thread that commits the SQLite store's message appends, off the event loop.
 *
 * A commit writes the WAL frames of every page its appends dirtied, about 30-95 us per append,
 * and a batch of hundreds would hold the event loop for milliseconds, in which no frame is read
 * or written. Here a worker thread with its own connection to the same file runs such a batch in
 * one IMMEDIATE transaction while the event loop goes on; small batches, which a hop to another
 * thread would only delay, commit on the relay's connection (`sqlite-append-batch.ts`). The store
 * (`sqlite-append-batch.ts`) makes sure its own connection never writes while a batch is on the
 * worker, so the two never wait for each other's lock. The worker commits a batch with the same
 * function the relay's connection uses (`sqlite-append-commit.ts`).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { createAppendCommitter, errorOf, type AppendOutcome, type BatchAnswer } from './sqlite-append-commit.js';
import { APPEND_SQL } from './sqlite-statements.js';
import type { NewMessage } from './storage.js';

/** What the worker answers to a batch. */
type Reply = BatchAnswer & { id: number };

/** What the worker needs to open its own connection. */
interface AppendWorkerData {
  /** Resolved path of the better-sqlite3 package (an eval'd worker cannot resolve it itself). */
  driver: string;
  file: string;
  synchronous: 'NORMAL' | 'FULL';
  busyTimeoutMs: number;
  sql: typeof APPEND_SQL;
}

// CommonJS, run with `eval`: the relay is bundled, so there is no separate worker file to point at.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('foreign_keys = ON');
const commit = (${createAppendCommitter.toString()})(db, workerData.sql);
parentPort.on('message', (message) => {
  if (message.type === 'batch') {
    parentPort.postMessage({ id: message.id, ...commit(message.inputs) });
  } else if (message.type === 'no-autocheckpoint') {
    db.pragma('wal_autocheckpoint = 0');
  } else if (message.type === 'stop') {
    db.close();
    parentPort.close();
  }
});
`;

/** How long `stop` waits for the worker to close its connection before ending it. */
const STOP_TIMEOUT_MS = 5_000;

/** How to open the worker's connection. */
export interface AppendWorkerOptions {
  /** The database file (migrated, in WAL mode). */
  file: string;
  synchronous: 'normal' | 'full';
  /** How long a commit waits for another process's lock before failing, in ms. */
  busyTimeoutMs: number;
}

/**
 * One append worker: started on the first batch, one batch at a time. A worker that dies fails
 * its batch and is started again for the next one.
 */
export class SqliteAppendWorker {
  readonly #data: AppendWorkerData;
  #worker: Worker | null = null;
  #exited: Promise<void> | null = null;
  #nextId = 1;
  #pending: { id: number; resolve: (outcomes: AppendOutcome[]) => void; reject: (error: unknown) => void } | null = null;
  #autocheckpointOff = false;

  constructor(options: AppendWorkerOptions) {
    this.#data = {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: options.file,
      synchronous: options.synchronous === 'full' ? 'FULL' : 'NORMAL',
      busyTimeoutMs: options.busyTimeoutMs,
      sql: APPEND_SQL,
    };
  }

  /**
   * Commits `inputs` in one transaction on the worker; resolves with each one's outcome once it
   * has committed, rejects (with `errorOf` the fault) when the transaction failed whole.
   * One batch at a time: the caller waits for one before sending the next.
   */
  commit(inputs: readonly NewMessage[]): Promise<AppendOutcome[]> {
    if (this.#pending) return Promise.reject(new Error('An append batch is already on the worker.'));
    const worker = this.#started();
    const id = this.#nextId++;
    return new Promise<AppendOutcome[]>((resolve, reject) => {
      this.#pending = { id, resolve, reject };
      // Held while a batch is out, so that a short-lived process waits for its commit.
      worker.ref();
      worker.postMessage({ type: 'batch', id, inputs });
    });
  }

  /** Turns SQLite's checkpoints inside commits off, once a background checkpointer does them. */
  stopAutocheckpoints(): void {
    this.#autocheckpointOff = true;
    this.#worker?.postMessage({ type: 'no-autocheckpoint' });
  }

  /** Closes the worker's connection (after its batch, if one is out) and ends the thread. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    worker.postMessage({ type: 'stop' });
    // A worker still loading under a busy machine, or wedged, must not hold the relay's shutdown.
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(timer);
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.#data });
    worker.on('message', (reply: Reply) => this.#settle(reply));
    // A failure to open or prepare, or a crash: the batch out fails; the next batch starts a new thread.
    worker.on('error', (error) => this.#fail(error));
    worker.unref();
    this.#exited = new Promise((resolve) =>
      worker.once('exit', () => {
        if (this.#worker === worker) this.#worker = null;
        this.#fail(new Error('The append worker stopped.'));
        resolve();
      }),
    );
    if (this.#autocheckpointOff) worker.postMessage({ type: 'no-autocheckpoint' });
    this.#worker = worker;
    return worker;
  }

  #settle(reply: Reply): void {
    const pending = this.#pending;
    if (!pending || pending.id !== reply.id) return;
    this.#pending = null;
    this.#worker?.unref();
    if ('failed' in reply) pending.reject(errorOf(reply.failed));
    else pending.resolve(reply.outcomes);
  }

  #fail(error: unknown): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    pending.reject(error);
  }
}
