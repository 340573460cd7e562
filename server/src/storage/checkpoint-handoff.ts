/**
 * When a SQLite connection stops checkpointing its WAL inside commits and hands that work to a
 * worker thread (`wal-checkpointer.ts`). A store that carries chat traffic hands over once it has
 * committed a number of appends; a short-lived one (a CLI command, a test) never pays for a
 * thread.
 */
import type { Database } from 'better-sqlite3';
import { WalCheckpointer } from './wal-checkpointer.js';

/** What the WAL file is cut back to when it restarts, once checkpoints run in the worker. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** Where and how the handoff happens. */
export interface CheckpointHandoffOptions {
  /** The relay's connection, which stops checkpointing on its own at the handoff. */
  db: Database;
  /** The database file, which the worker opens with its own connection. */
  file: string;
  /** The worker connection's `synchronous` level: the store's own, so checkpoints keep its durability. */
  synchronous: 'normal' | 'full';
  /** Committed appends before the handoff; null never hands over. */
  after: number | null;
  /** Runs at the handoff, for other connections that write (they stop checkpointing too). */
  onHandoff?: () => void;
}

/** Counts committed appends and starts the background checkpointer once there were enough. */
export class CheckpointHandoff {
  readonly #options: CheckpointHandoffOptions;
  /** Appends still to commit before the handoff (null: it never happens, or already did). */
  #remaining: number | null;
  #checkpointer: WalCheckpointer | null = null;

  constructor(options: CheckpointHandoffOptions) {
    this.#options = options;
    this.#remaining = options.after === null ? null : Math.max(0, options.after);
  }

  /** Records `count` committed appends; hands checkpoints over when they reach the threshold. */
  countAppends(count: number): void {
    if (this.#remaining === null) return;
    this.#remaining -= count;
    if (this.#remaining <= 0) this.#start();
  }

  /** Stops the worker, if one runs. Its connection must close before the relay's own, so that closing the last one checkpoints the WAL whole. */
  async stop(): Promise<void> {
    await this.#checkpointer?.stop();
  }

  #start(): void {
    const { db, file, synchronous } = this.#options;
    this.#remaining = null;
    db.pragma('wal_autocheckpoint = 0');
    this.#options.onHandoff?.();
    // A restarted WAL is cut back to this size, so one burst does not keep a huge file around.
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.#checkpointer = new WalCheckpointer({ file, synchronous, onRestartDue: () => this.#checkpointNow() });
  }

  /**
   * Copies what the background checkpointer left of the WAL, on the relay's connection, so that
   * the next write restarts the WAL from its beginning (see `wal-checkpointer.ts`).
   */
  #checkpointNow(): void {
    const { db } = this.#options;
    if (!db.open) return;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy: the worker asks again while the WAL stays large.
    }
  }
}
