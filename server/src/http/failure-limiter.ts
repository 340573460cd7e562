/**
 * Counts failures per key (an IP address) in a sliding window, to slow down password guessing:
 * after `max` failures within `windowMs` the key is blocked until the oldest one ages out.
 */

/** A sliding-window failure counter. */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;

  /** Told of every failure recorded (+1) or forgiven (-1) here, to share with other relay nodes. */
  onChange: ((key: string, delta: 1 | -1) => void) | null = null;

  constructor(max: number, windowMs = 60_000) {
    this.max = max;
    this.windowMs = windowMs;
  }

  /** True when the key used up its failures for the window. */
  blocked(key: string, now: number = Date.now()): boolean {
    return this.recent(key, now).length >= this.max;
  }

  /** Records one failure of the key. */
  fail(key: string, now: number = Date.now()): void {
    this.record(key, now);
    this.onChange?.(key, 1);
  }

  /** Takes back the key's latest failure (an attempt counted up front that succeeded). */
  forgive(key: string, now: number = Date.now()): void {
    this.unrecord(key, now);
    this.onChange?.(key, -1);
  }

  /** Applies failures (+) or forgivenesses (-) of the key recorded on another relay node. */
  apply(key: string, delta: number, now: number = Date.now()): void {
    // Beyond `max` more changes nothing: the key is blocked either way.
    for (let i = 0; i < Math.min(Math.abs(delta), this.max + 1); i++) {
      if (delta > 0) this.record(key, now);
      else this.unrecord(key, now);
    }
  }

  private record(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
    // Bound the memory an attacker rotating addresses could make us hold.
    if (this.failures.size > 10_000) this.prune(now);
  }

  private unrecord(key: string, now: number): void {
    const list = this.recent(key, now);
    list.pop();
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}
