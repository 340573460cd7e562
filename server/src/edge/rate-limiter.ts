/**
 * A token bucket per key (a client address): `perMinute` actions sustained, the same number
 * at once. Memory stays bounded however many addresses a client rotates through: a bucket
 * that refilled completely is the same as no bucket and is dropped, and past `maxKeys` the
 * oldest buckets go first.
 */

interface Bucket {
  tokens: number;
  last: number;
}

/** Per-key rate limiter. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  /** Tokens added per millisecond. */
  private readonly refill: number;
  private readonly maxKeys: number;

  /** Told of every token taken here (relay nodes share what each address used: `shared-limits.ts`). */
  onTake: ((key: string) => void) | null = null;

  constructor(perMinute: number, maxKeys = 50_000) {
    this.capacity = perMinute;
    this.refill = perMinute / 60_000;
    this.maxKeys = maxKeys;
  }

  /**
   * Takes one token for `key`. Returns 0 when allowed, else the milliseconds until a token is
   * available (what `Retry-After` should say). A zero rate refuses everything.
   */
  take(key: string, now: number = Date.now()): number {
    if (this.capacity <= 0) return 60_000;
    const bucket = this.current(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.onTake?.(key);
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.refill);
  }

  /**
   * Counts `count` tokens another relay node took for `key`: they come off this node's bucket
   * too (down to one full bucket of debt), so the limit holds across nodes.
   */
  consume(key: string, count: number, now: number = Date.now()): void {
    if (this.capacity <= 0) return;
    const bucket = this.current(key, now);
    bucket.tokens = Math.max(-this.capacity, bucket.tokens - count);
  }

  /** Number of keys held (for tests and monitoring). */
  get size(): number {
    return this.buckets.size;
  }

  private current(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + Math.max(0, now - bucket.last) * this.refill);
      bucket.last = now;
      // Re-insert so the map's order is least recently used first.
      this.buckets.delete(key);
    } else {
      bucket = { tokens: this.capacity, last: now };
      if (this.buckets.size >= this.maxKeys) this.evict(now);
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  private evict(now: number): void {
    const fullAfterMs = this.capacity / this.refill;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.last >= fullAfterMs) this.buckets.delete(key);
    }
    // Everyone is still limited: forget the least recently seen rather than grow without bound.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
