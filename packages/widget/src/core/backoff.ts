/**
 * Reconnect delays with exponential growth and full jitter: after a relay restart every widget
 * on every page reconnects at once, and spreading them uniformly over the whole window is what
 * keeps the relay from being hit by one synchronized wave.
 */

/** Tuning of the reconnect delay. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay, in milliseconds. */
  baseMs: number;
  /** Largest ceiling, in milliseconds. */
  capMs: number;
}

/** The widget's defaults: first retry within 0.5 s, never more than 30 s apart. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { baseMs: 500, capMs: 30_000 };

/**
 * The delay before retry number `attempt` (0 for the first): uniform in
 * `[0, min(cap, base * 2^attempt))`. `random` returns a number in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}
