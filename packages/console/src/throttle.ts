/**
 * At most one value per interval, and never the last one lost: the first value goes out at once,
 * values during the interval replace each other and the latest goes out when it ends. Used for
 * the agent's pointer and scroll, which are only worth sending as "where it is now".
 */

/** Throttles the values handed to `emit`. */
export class Throttle<T> {
  private readonly everyMs: number;
  private readonly emit: (value: T) => void;
  private readonly now: () => number;
  private lastAt = Number.NEGATIVE_INFINITY;
  private pending: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(everyMs: number, emit: (value: T) => void, now: () => number = Date.now) {
    this.everyMs = everyMs;
    this.emit = emit;
    this.now = now;
  }

  /** Offers the latest value. */
  push(value: T): void {
    const wait = this.lastAt + this.everyMs - this.now();
    if (wait <= 0 && !this.timer) {
      this.send(value);
      return;
    }
    this.pending = { value };
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Sends the held value now, if any. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = this.pending;
    this.pending = null;
    if (pending) this.send(pending.value);
  }

  /** Drops the held value. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private send(value: T): void {
    this.lastAt = this.now();
    this.emit(value);
  }
}
