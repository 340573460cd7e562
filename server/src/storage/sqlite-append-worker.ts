/**
 * The thread that commits the SQLite store's message appends, off the event loop.
 *
 * A commit writes the WAL frames of every page its appends dirtied, and under chat load that
 * was about 40% of the relay's main-thread time: time in which no frame was read or written,
 * so every delivery waited behind it. Here a worker thread with its own connection to the same
 * file runs each batch in one IMMEDIATE transaction, while the event loop goes on. The store
 * (`sqlite-append-batch.ts`) makes sure its own connection never writes while a batch is on the
 * worker, so the two never wait for each other's lock.
 *
 * Each batch first runs every append straight in the transaction. Should one be refused
 * (unknown conversation, clashing message id), that whole attempt rolls back and the batch runs
 * again with each append in its own savepoint, so the refused one rolls back alone. Savepoints
 * cost two statements per append and refusals are rare, so the common batch pays for none.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { ConversationRow, MessageRow } from './sqlite-rows.js';
import { APPEND_SQL } from './sqlite-statements.js';
import type { NewMessage } from './storage.js';
import { notFound } from './storage-error.js';
import { translateSqliteError } from './translate-sqlite-error.js';

/** Why the worker refused one append, or failed a whole batch: enough to rebuild the error. */
export type AppendFault = { kind: 'not_found'; conversationId: string } | { kind: 'sqlite'; code: string; message: string } | { kind: 'other'; message: string };

/** One append's outcome: the stored message (the earlier one for a retried client id), and the conversation's row after it (null for a retry). */
export type AppendOutcome =
  | { ok: true; message: MessageRow; duplicate: boolean; conversation: ConversationRow | null }
  | { ok: false; fault: AppendFault };

/** What the worker answers to a batch: an outcome per input, or the fault that failed it whole. */
type Reply = { id: number; outcomes: AppendOutcome[] } | { id: number; failed: AppendFault };

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
const byClientId = db.prepare(workerData.sql.messageByClientId);
const advance = db.prepare(workerData.sql.advanceConversation);
const insert = db.prepare(workerData.sql.insertMessage);

class NoConversation extends Error {
  constructor(id) { super('No such conversation.'); this.conversationId = id; }
}
class Refused extends Error {
  constructor(cause) { super('An append of the batch was refused.'); this.cause = cause; }
}
function faultOf(error) {
  if (error instanceof NoConversation) return { kind: 'not_found', conversationId: error.conversationId };
  if (error && typeof error.code === 'string') return { kind: 'sqlite', code: error.code, message: error.message };
  return { kind: 'other', message: String(error && error.message || error) };
}
function appendOne(input) {
  const existing = byClientId.get(input.authorId, input.clientId);
  if (existing) return { ok: true, message: existing, duplicate: true, conversation: null };
  const conversation = advance.get({ id: input.conversationId, text: input.text, author: input.author, at: input.at });
  if (!conversation) throw new NoConversation(input.conversationId);
  const message = {
    id: input.id, conversation_id: input.conversationId, seq: conversation.last_seq, client_id: input.clientId,
    author: input.author, author_id: input.authorId, author_name: input.authorName ?? null, text: input.text, at: input.at,
  };
  // A clash here (a reused message id) rolls back the seq taken above with the transaction.
  insert.run(message);
  return { ok: true, message, duplicate: false, conversation };
}
const appendAll = db.transaction((inputs) => inputs.map((input) => {
  try { return appendOne(input); } catch (error) { throw new Refused(error); }
}));
// A nested transaction is a savepoint: a refused append rolls back alone.
const appendInSavepoint = db.transaction(appendOne);
const appendEach = db.transaction((inputs) => inputs.map((input) => {
  try { return appendInSavepoint(input); } catch (error) { return { ok: false, fault: faultOf(error) }; }
}));
function commit(inputs) {
  try {
    return appendAll.immediate(inputs);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return appendEach.immediate(inputs);
  }
}
parentPort.on('message', (message) => {
  if (message.type === 'batch') {
    let reply;
    try {
      reply = { id: message.id, outcomes: commit(message.inputs) };
    } catch (error) {
      reply = { id: message.id, failed: faultOf(error) };
    }
    parentPort.postMessage(reply);
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
  commit(inputs: NewMessage[]): Promise<AppendOutcome[]> {
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

/**
 * The error a fault stands for, as the store's own connection would have thrown it: a missing
 * conversation or a taken key become StorageErrors; other driver errors stay SqliteErrors with
 * their code (busy, full, I/O), so callers tell them apart as they always did.
 */
export function errorOf(fault: AppendFault): unknown {
  switch (fault.kind) {
    case 'not_found':
      return notFound('conversation', fault.conversationId);
    case 'sqlite':
      return translateSqliteError(new BetterSqlite3.SqliteError(fault.message, fault.code), 'conversation');
    default:
      return new Error(fault.message);
  }
}
