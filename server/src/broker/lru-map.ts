/**
 * A Map bounded to a number of entries that forgets the least recently used one first. The
 * broker's caches are built on it, so their memory stays flat however many records pass.
 */

/** A bounded map with least-recently-used eviction. */
export class LruMap<K, V> {
  readonly #capacity: number;
  /** Insertion order is recency order: a use moves an entry to the end. */
  readonly #entries = new Map<K, V>();

  /** @param capacity Most entries kept; 0 keeps none. */
  constructor(capacity: number) {
    this.#capacity = Math.max(0, Math.floor(capacity));
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** True when `key` is held (without counting as a use). */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** The value of `key`, marking it most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` as the most recently used entry, evicting the oldest beyond capacity. */
  set(key: K, value: V): void {
    if (this.#capacity === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets `key`. */
  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Forgets every entry whose value matches. */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.#entries) {
      if (matches(value, key)) this.#entries.delete(key);
    }
  }
}
