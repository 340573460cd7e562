/**
 * Reconnect delays: exponential growth capped at `maxMs`, with jitter so that a relay restart
 * does not get every console reconnecting in the same millisecond.
 */

/** Tuning of the reconnect delay. */
export interface BackoffOptions {
  /** Delay ceiling of the first retry, in milliseconds. */
  baseMs: number;
  /** Largest delay, in milliseconds. */
  maxMs: number;
}

/** The console's defaults: first retry within 0.5-1 s, never more than 30 s apart. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 1000, maxMs: 30_000 });

/**
 * The delay before retry number `attempt` (0 for the first). The ceiling doubles per attempt; the
 * delay is drawn between half the ceiling and the ceiling ("equal jitter"), so it never collapses
 * to zero yet spreads clients apart. `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
