/**
 * Group commit: writes submitted in the same turn of the event loop share one transaction.
 *
 * A SQLite commit costs far more than the statements inside it (the WAL frames of every touched
 * page are written once per commit), so when many connections send at once, committing their
 * messages together multiplies throughput while each caller still learns its own outcome. A
 * caller's promise settles only after the shared commit, so an acknowledged write is durable.
 */

/** The outcome of one write inside a batch. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

// Captured at load so that tests faking timers cannot stall the store's commits.
const nextTurn = setImmediate;

/** Most writes per transaction: bounds how long one commit blocks the event loop. */
const MAX_BATCH = 512;

/** Collects inputs and commits them in batches through `commitBatch`. */
export class GroupCommit<I, O> {
  readonly #commitBatch: (inputs: I[]) => Settled<O>[];
  #queue: Pending<I, O>[] = [];
  #scheduled = false;
  /** True while a batch runs: the batch's own store calls must not start another one inside it. */
  #flushing = false;

  /**
   * @param commitBatch Runs every input in ONE transaction, in order, and reports each outcome;
   *   it throws only when the transaction itself fails, which fails the whole batch.
   */
  constructor(commitBatch: (inputs: I[]) => Settled<O>[]) {
    this.#commitBatch = commitBatch;
  }

  /** Queues `input`; resolves with its result once the batch holding it has committed. */
  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        nextTurn(() => this.flush());
      }
    });
  }

  /** Commits everything queued now. Called before any other use of the store, to keep call order. */
  flush(): void {
    this.#scheduled = false;
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) this.#commit(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#flushing = false;
    }
  }

  /** Commits one batch and settles its callers. */
  #commit(batch: Pending<I, O>[]): void {
    let outcomes: Settled<O>[];
    try {
      outcomes = this.#commitBatch(batch.map((pending) => pending.input));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) pending.resolve(outcome.value);
      else pending.reject(outcome ? outcome.error : new Error('The batch reported no outcome for this write.'));
    });
  }
}
