/**
 * The process's own health: event-loop delay (how late timers and I/O callbacks run, which is
 * what every client's latency rides on) and garbage-collection pauses. Both are measured by Node
 * itself (`monitorEventLoopDelay`, the `gc` performance entries), off the relay's hot path.
 */
import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Gauge, Histogram } from './registry.js';

/** The window event-loop delay is summarised over, in milliseconds. */
export const EVENT_LOOP_WINDOW_MS = 10_000;

/** The gauges and histogram the runtime meter writes into. */
export interface RuntimeSamples {
  loopP50: Gauge;
  loopP99: Gauge;
  loopMax: Gauge;
  gcPause: Histogram;
}

/**
 * Samples the event loop and GC into `samples` until `stop()`. The delay gauges describe the last
 * complete window (before the first one ends, the time so far), so every scraper sees the same
 * numbers whatever its interval.
 */
export class RuntimeMeter {
  private readonly samples: RuntimeSamples;
  private readonly loop: IntervalHistogram;
  private readonly gc: PerformanceObserver;
  private readonly timer: NodeJS.Timeout;
  private windowDone = false;

  constructor(samples: RuntimeSamples) {
    this.samples = samples;
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) samples.gcPause.observe(entry.duration / 1000);
    });
    this.gc.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => this.endWindow(), EVENT_LOOP_WINDOW_MS).unref();
  }

  /** Brings the gauges up to date (called before each scrape). */
  refresh(): void {
    if (!this.windowDone) this.copy();
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.loop.disable();
    this.gc.disconnect();
  }

  private endWindow(): void {
    this.copy();
    this.windowDone = true;
    this.loop.reset();
  }

  private copy(): void {
    // The histogram is in nanoseconds and reads NaN-free zeros before its first sample.
    const { loopP50, loopP99, loopMax } = this.samples;
    const count = this.loop.count;
    loopP50.set(count > 0 ? this.loop.percentile(50) / 1e9 : 0);
    loopP99.set(count > 0 ? this.loop.percentile(99) / 1e9 : 0);
    loopMax.set(count > 0 ? this.loop.max / 1e9 : 0);
  }
}
