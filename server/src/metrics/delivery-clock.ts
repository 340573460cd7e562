/**
 * Delivery latency on this node: from an envelope reaching the node's bus handler to the end of
 * the turn in which its frames were written to the sockets. The transport writes every frame of
 * a turn in one uncork at the turn's end (see `connection.ts`), on a `process.nextTick` queued by
 * the first frame; the clock queues its own tick after the handler ran, so it runs after that
 * write. Arrival times go into a preallocated array: nothing is allocated per envelope.
 *
 * Time spent between nodes (publish on one, arrival on another) is the bus's lag, reported by the
 * bus itself (see `bus-meter.ts`).
 */
import { performance } from 'node:perf_hooks';
import type { Histogram } from './registry.js';

/** Arrivals held per turn; a turn with more records the first this many (a sample is enough). */
const SLOTS = 4096;

/** Times envelopes from arrival to the socket write. */
export class DeliveryClock {
  private readonly histogram: Histogram;
  private readonly arrivals = new Float64Array(SLOTS);
  private pending = 0;
  private readonly flush = (): void => {
    const now = performance.now();
    const n = Math.min(this.pending, SLOTS);
    for (let i = 0; i < n; i++) this.histogram.observe((now - this.arrivals[i]!) / 1000);
    this.pending = 0;
  };

  constructor(histogram: Histogram) {
    this.histogram = histogram;
  }

  /** Wraps a bus handler so each envelope it handles is timed. */
  wrap<T>(handler: (envelope: T) => void): (envelope: T) => void {
    return (envelope) => {
      const arrived = performance.now();
      handler(envelope);
      if (this.pending < SLOTS) this.arrivals[this.pending] = arrived;
      if (this.pending++ === 0) process.nextTick(this.flush);
    };
  }
}
