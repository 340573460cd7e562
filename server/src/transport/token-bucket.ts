/**
 * A token bucket per connection: `rate` frames per second sustained, `burst` at once. Frames
 * beyond it are refused and run up a debt; a debt of a whole burst means the client ignores the
 * refusals, and the connection is closed as a flood.
 */

/** Rate limiter for one connection. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  private readonly burst: number;

  constructor(rate: number, burst: number, now: number = Date.now()) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when the frame is over the limit. */
  take(now: number = Date.now()): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    this.tokens -= 1;
    return this.tokens >= 0;
  }

  /** Frames taken beyond the limit and not yet paid back by the refill. */
  get debt(): number {
    return Math.max(0, -this.tokens);
  }

  /** True when the debt reached a whole burst: a flood. */
  get flooded(): boolean {
    return this.debt >= this.burst;
  }
}
