/**
 * Every metric of a relay node, by name, and the few calls the transport, the broker's
 * surroundings and the bus make to feed them. Each metric carries the `node` label. The names and
 * their meaning are listed in the README (Operations); `relay-metrics.test.ts` keeps that list
 * complete.
 */
import { performance } from 'node:perf_hooks';
import type { BusMeter } from './bus-meter.js';
import { DeliveryClock } from './delivery-clock.js';
import { LATENCY_BUCKETS, MetricsRegistry, type Counter, type Family, type Gauge, type Histogram } from './registry.js';
import { RELAY_VERSION } from '../version.js';
import { RuntimeMeter } from './runtime-meter.js';
import { ERROR_CODE_PREFIX, TextKeyIndex, TYPE_PREFIX } from './text-key-index.js';

/**
 * Why an upgrade was refused: `origin` (403, the page's origin is not allowed), `token` (401,
 * missing, invalid or expired token, or who it names is gone), `address_limit` (429, too many
 * connections from one address), `full` (503, the relay holds `maxConnections`), `draining`
 * (503, the node drains or stops), `not_found` (404, not the WebSocket path), `bad_request`
 * (400/405, not a valid WebSocket handshake), `internal` (500, the check itself failed).
 */
export const UPGRADE_REFUSALS = ['origin', 'token', 'address_limit', 'full', 'draining', 'not_found', 'bad_request', 'internal'] as const;

/** One of `UPGRADE_REFUSALS`. */
export type UpgradeRefusal = (typeof UPGRADE_REFUSALS)[number];

/** GC pause buckets in seconds: 0.1 ms to 1 s. */
const GC_BUCKETS: readonly number[] = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** When the process started, in seconds since the epoch (computed once). */
const START_TIME_SECONDS = Math.round((Date.now() - process.uptime() * 1000) / 1000);

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Connection roles, made up front so both show as 0 before the first connection. */
const ROLES = ['visitor', 'agent'] as const;

/** The metrics of one relay node. */
export class RelayMetrics {
  readonly registry: MetricsRegistry;
  /** The `node` label of every sample. */
  readonly node: string;
  /** What the bus reports through (see `bus-meter.ts`). */
  readonly bus: BusMeter;
  /** Times bus envelopes to the socket write (see `delivery-clock.ts`). */
  readonly delivery: DeliveryClock;
  private readonly connections: Family<Gauge>;
  private readonly framesIn: Family<Counter>;
  private readonly framesOut: TextKeyIndex;
  /** The `type="error"` sample of frames out: only those texts are read for their code. */
  private readonly errorFrames: Counter;
  private readonly errors: TextKeyIndex;
  private readonly stored: Counter;
  private readonly upgradesRefused: Family<Counter>;
  private readonly ackLatency: Histogram;
  private readonly fanOut: Histogram;
  private readonly appendLatency: Histogram;
  private readonly draining: Gauge;
  private readonly runtime: RuntimeMeter;

  /**
   * @param node the node's name (`PARLEY_NODE_ID`).
   * @param live counts read at scrape time: co-browse sessions and calls this node holds.
   * @param version the relay's version, for `parley_build_info`.
   */
  constructor(node: string, live: { cobrowseSessions(): number; calls(): number }, version: string = RELAY_VERSION) {
    this.node = node;
    const r = (this.registry = new MetricsRegistry({ node }));
    this.connections = r.gauge('parley_connections', 'Open WebSocket connections, by role.', 'role');
    for (const role of ROLES) this.connections.of(role);
    this.framesIn = r.counter('parley_frames_in_total', 'Valid frames received from clients, by type.', 'type');
    const framesOut = r.counter('parley_frames_out_total', 'Frames sent to clients, by type.', 'type');
    this.framesOut = new TextKeyIndex(framesOut, TYPE_PREFIX);
    this.errorFrames = framesOut.of('error');
    this.errors = new TextKeyIndex(r.counter('parley_errors_sent_total', 'Error frames sent to clients, by error code.', 'code'), ERROR_CODE_PREFIX);
    this.stored = r.counter('parley_messages_stored_total', 'Chat messages written to the store (retries of a stored message not counted).').only;
    this.upgradesRefused = r.counter('parley_upgrades_refused_total', 'WebSocket upgrades refused with an HTTP status before any WebSocket existed, by reason.', 'reason');
    for (const reason of UPGRADE_REFUSALS) this.upgradesRefused.of(reason);
    this.ackLatency = r.histogram('parley_ack_latency_seconds', 'Time from a chat.send frame arriving to its chat.ack being sent (stored and acknowledged: what the sender waits for).').only;
    this.fanOut = r.histogram('parley_fanout_seconds', 'Time from a chat.ack being sent to its message having been fanned out (published to the recipients and announced to agents).').only;
    this.appendLatency = r.histogram('parley_storage_append_seconds', 'Time the store took to append a chat message durably.').only;
    const delivery = r.histogram(
      'parley_delivery_latency_seconds',
      'Time from a bus envelope reaching this node to its frames being written to the sockets.',
    ).only;
    this.delivery = new DeliveryClock(delivery);
    const busLag = r.histogram('parley_bus_lag_seconds', 'Time from a publish on another node to its arrival here (buses between nodes only).', LATENCY_BUCKETS).only;
    const busReconnects = r.counter('parley_bus_reconnects_total', 'Times the bus lost its connection and got it back.').only;
    this.bus = { lag: (seconds) => busLag.observe(seconds), reconnected: () => busReconnects.inc() };
    r.collected('parley_cobrowse_sessions', 'Co-browse sessions held by this node.', live.cobrowseSessions);
    r.collected('parley_calls', 'Calls held by this node (ringing or connected).', live.calls);
    this.draining = r.gauge('parley_draining', '1 while the node drains (SIGTERM), else 0.').only;
    const loopP50 = r.gauge('parley_event_loop_delay_p50_seconds', 'Event-loop delay, median over the last 10 s window.').only;
    const loopP99 = r.gauge('parley_event_loop_delay_p99_seconds', 'Event-loop delay, 99th percentile over the last 10 s window.').only;
    const loopMax = r.gauge('parley_event_loop_delay_max_seconds', 'Event-loop delay, maximum over the last 10 s window.').only;
    const gcPause = r.histogram('parley_gc_pause_seconds', 'Garbage-collection pauses.', GC_BUCKETS).only;
    // The process metrics every Prometheus user knows by these names, for memory and CPU per node.
    r.collected('process_resident_memory_bytes', 'Resident memory of the relay process.', () => process.memoryUsage.rss());
    r.collected('nodejs_heap_size_used_bytes', 'V8 heap in use.', () => process.memoryUsage().heapUsed);
    r.collected('process_cpu_seconds_total', 'CPU time of the relay process, user and system.', cpuSeconds, 'counter');
    r.collected('process_start_time_seconds', 'When the relay process started, in seconds since the Unix epoch.', () => START_TIME_SECONDS);
    r.gauge('parley_build_info', 'Always 1; the relay version is its label.', 'version').of(version).set(1);
    this.runtime = new RuntimeMeter({ loopP50, loopP99, loopMax, gcPause });
  }

  /** A connection was accepted. */
  connected(role: 'visitor' | 'agent'): void {
    this.connections.of(role).value++;
  }

  /** A connection is gone. */
  disconnected(role: 'visitor' | 'agent'): void {
    this.connections.of(role).value--;
  }

  /** An upgrade was refused before it became a WebSocket. */
  upgradeRefused(reason: UpgradeRefusal): void {
    this.upgradesRefused.of(reason).value++;
  }

  /** A valid frame arrived. */
  frameIn(type: string): void {
    this.framesIn.of(type).value++;
  }

  /** A frame (JSON text, as `JSON.stringify` wrote it) is being sent: counted by type, errors by code. */
  frameOut(text: string): void {
    const counter = this.framesOut.counterOf(text);
    if (counter === null) return;
    counter.value++;
    if (counter !== this.errorFrames) return;
    const code = this.errors.counterOf(text);
    if (code !== null) code.value++;
  }

  /** A chat.send that arrived at `arrived` was acknowledged at `ackedAt` (both `performance.now()`). */
  acked(arrived: number, ackedAt: number): void {
    this.ackLatency.observe((ackedAt - arrived) / 1000);
  }

  /** The message of a chat.send acknowledged at `ackedAt` (`performance.now()`) has been fanned out. */
  fannedOut(ackedAt: number): void {
    this.fanOut.observe((performance.now() - ackedAt) / 1000);
  }

  /** The store appended a message in `seconds`; `duplicate` when it was already stored. */
  appended(seconds: number, duplicate: boolean): void {
    this.appendLatency.observe(seconds);
    if (!duplicate) this.stored.value++;
  }

  /** The node started draining. */
  drainStarted(): void {
    this.draining.set(1);
  }

  /** The exposition text. */
  encode(): string {
    this.runtime.refresh();
    return this.registry.encode();
  }

  /** Stops the event-loop and GC sampling. */
  stop(): void {
    this.runtime.stop();
  }
}
