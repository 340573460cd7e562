/**
 * The listeners of `Storage.watch`, shared by every store. A listener that throws is the
 * listener's bug, not the write's: the write already committed, so its caller still succeeds.
 */
import type { StorageChange } from './storage.js';

/** A set of change listeners. */
export class ChangeFeed {
  readonly #listeners = new Set<(change: StorageChange) => void>();

  /** True when someone listens: stores skip building change records otherwise. */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /** Adds a listener; returns the function that removes it. */
  watch(listener: (change: StorageChange) => void): () => void {
    // A wrapper per call, so the same function watched twice is also removed once per unwatch.
    const entry = (change: StorageChange): void => listener(change);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Tells every listener about a committed change. */
  emit(change: StorageChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // Swallowed on purpose: see the file comment.
      }
    }
  }
}
