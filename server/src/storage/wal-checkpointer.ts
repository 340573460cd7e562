/**
 * Checkpoints the SQLite write-ahead log from a worker thread, off the event loop.
 *
 * By default SQLite checkpoints inside the commit that crosses 1000 WAL pages: that commit
 * copies the pages into the database file and fsyncs both files, stalling the relay meanwhile
 * (under a steady message load, a stall every few commits). Here the relay's connection never
 * checkpoints on its own; a second connection in a worker runs PASSIVE checkpoints, which never
 * block the writer. Durability does not depend on checkpoints: a commit is durable once it is
 * in the WAL.
 *
 * The WAL restarts from its beginning only when a write starts after a checkpoint copied ALL of
 * it, which a worker racing a writer that never pauses rarely achieves. So once the WAL passes
 * `restartPages` and the worker has copied nearly all of it, the worker asks the relay's
 * connection to copy the few pages left itself (`onRestartDue`): a short pause, once per
 * `restartPages` of log, after which the next write restarts the WAL. Past `maxWalPages` it
 * asks whatever is left, which bounds the file when the worker cannot keep up.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the worker needs to open its own connection. */
interface CheckpointerData {
  /** Resolved path of the better-sqlite3 package (an eval'd worker cannot resolve it itself). */
  driver: string;
  file: string;
  synchronous: 'NORMAL' | 'FULL';
  intervalMs: number;
  restartPages: number;
  maxWalPages: number;
  /** Pages left uncopied that count as "nearly all copied". */
  remainderPages: number;
}

// CommonJS, run with `eval`: the relay is bundled, so there is no separate worker file to point at.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
let timer = null;
function tick() {
  let behind = 0;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result) {
      behind = result.log - result.checkpointed;
      const due = result.log >= workerData.restartPages && behind <= workerData.remainderPages;
      if (due || result.log >= workerData.maxWalPages) {
        parentPort.postMessage('restart');
        behind = 0;
      }
    }
  } catch {
    // A busy or closing database: try again on the next tick.
  }
  // Far behind the writer: go on at once; otherwise rest (and leave the writer its turn).
  timer = setTimeout(tick, behind > workerData.remainderPages ? 0 : workerData.intervalMs);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
tick();
`;

/** How long `stop` waits for the worker to close its connection before ending it. */
const STOP_TIMEOUT_MS = 5_000;

/** How to run the checkpointer. */
export interface WalCheckpointerOptions {
  /** The database file (in WAL mode). */
  file: string;
  synchronous: 'normal' | 'full';
  /** Pause between checkpoints once caught up, in ms. Default 50. */
  intervalMs?: number;
  /** WAL size, in pages, worth restarting from its beginning. Default 16,384 (64 MiB of 4 KiB pages). */
  restartPages?: number;
  /** WAL size, in pages, past which a restart is asked for however much is left. Default 65,536. */
  maxWalPages?: number;
  /** Runs a PASSIVE checkpoint on the writer's own connection, between two of its writes. */
  onRestartDue: () => void;
}

/** A running background checkpointer. */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(options: WalCheckpointerOptions) {
    const data: CheckpointerData = {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: options.file,
      synchronous: options.synchronous === 'full' ? 'FULL' : 'NORMAL',
      intervalMs: options.intervalMs ?? 50,
      restartPages: options.restartPages ?? 16_384,
      maxWalPages: options.maxWalPages ?? 65_536,
      remainderPages: 256,
    };
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
    this.#worker.on('message', (message) => {
      if (message === 'restart') options.onRestartDue();
    });
    // A worker that cannot start (or dies) only costs checkpoints: SQLite still checkpoints when
    // the last connection closes, and the relay's data stays correct.
    this.#worker.on('error', () => undefined);
    // Never keeps the process alive on its own.
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
  }

  /** Stops the worker after its current checkpoint and closes its connection. */
  async stop(): Promise<void> {
    this.#worker.postMessage('stop');
    // A worker still loading under a busy machine, or wedged, must not hold the relay's shutdown.
    const timer = setTimeout(() => void this.#worker.terminate(), STOP_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}
