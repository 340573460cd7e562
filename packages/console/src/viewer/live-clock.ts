/**
 * Live timing for rrweb's replayer. In live mode the replayer schedules each added event at
 * `event.timestamp - baseline` on its own timer, which runs from `startLive()`; an event stamped
 * by the visitor's clock would wait for any skew between the two machines and for the network
 * delay, or be applied out of step. So each batch is re-stamped on the viewer's clock as it
 * arrives: its newest event lands on "now" (applied on the replayer's next tick) and the older
 * ones keep their spacing before it, never earlier than the baseline (the replayer treats
 * earlier events as already played and skips their mouse movement) and never out of order.
 */
import type { ReplayEvent } from './replay-events.js';

/**
 * The smallest step between two re-stamped events. The replayer's timer keeps ties in no reliable
 * order, so every event gets its own instant.
 */
export const STAMP_STEP_MS = 0.001;

/** The re-stamping clock of one replayer. */
export class LiveClock {
  /** The replayer's baseline: pass it to `startLive()`. */
  readonly baseline: number;
  private last: number;

  /** `baseline` is the viewer's time when the replayer starts live (same clock as `restamp`'s `now`). */
  constructor(baseline: number) {
    this.baseline = baseline;
    this.last = baseline - STAMP_STEP_MS;
  }

  /** Re-stamps `events` (in place, in their order) as arriving at `now`; returns them. */
  restamp<T extends ReplayEvent>(events: T[], now: number): T[] {
    if (events.length === 0) return events;
    const newest = Math.max(...events.map((e) => e.timestamp));
    for (const event of events) {
      const wanted = now - (newest - event.timestamp);
      const stamp = Math.max(wanted, this.baseline, this.last + STAMP_STEP_MS);
      event.timestamp = stamp;
      this.last = stamp;
    }
    return events;
  }
}
