/**
 * Runs tasks one at a time per key (a conversation id), in arrival order, so the writes and
 * fan-out of one conversation never interleave while different conversations run in parallel.
 */

/** A per-key serial queue. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of the same key settled; resolves with its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      // Forget the key once nothing queued after this task, so idle keys cost no memory.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Number of keys with work queued. */
  get size(): number {
    return this.tails.size;
  }
}
