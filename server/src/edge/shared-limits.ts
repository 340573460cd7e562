/**
 * Per-address limits that hold across relay nodes: connections per address, visitors created
 * per address per minute, sign-in failures per address per minute. Each node keeps its own
 * limiters and tells the others what it counted; a load balancer spreading one address over N
 * nodes therefore does not multiply its allowance by N.
 *
 * What is sent is batched per window (`windowMs`): during a reconnect storm a node sends one
 * message per window, not one per connection. Rate-limit use travels as increments (each node
 * takes them off its own buckets); connection counts travel as this node's current count per
 * address, so a message lost while the bus was down is repaired by the next one, and a node
 * sends all of its counts again when it meets a node or regains the bus. A node that goes down
 * is forgotten. Between two windows an address can go over by what the nodes admitted meanwhile.
 */
import type { Bus, Json } from '../bus/bus.js';
import type { FailureLimiter } from '../http/failure-limiter.js';
import type { ConnectionGate } from './connection-gate.js';
import type { KeyedRateLimiter } from './rate-limiter.js';

/** The control-message kind. */
export const ADDRESS_LIMITS = 'limits.addresses';

/** Default batching window. */
export const DEFAULT_SHARE_WINDOW_MS = 100;

/** One batch: visitor tokens taken (v), sign-in failures (+) and forgivenesses (-) (f), sockets held now (c); `all` when `c` is every count. */
type Batch = { v?: Record<string, number>; f?: Record<string, number>; c?: Record<string, number>; all?: true };

/** The limiters a node shares. */
export interface SharedLimiters {
  gate: ConnectionGate;
  visitorCreations: KeyedRateLimiter;
  loginFailures: FailureLimiter;
}

/** Shares a node's per-address counts with the other nodes; `close()` stops. */
export class SharedLimits {
  readonly #bus: Bus;
  readonly #limiters: SharedLimiters;
  readonly #windowMs: number;
  #visitors = new Map<string, number>();
  #failures = new Map<string, number>();
  #held = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  readonly #stops: (() => void)[];

  constructor(bus: Bus, limiters: SharedLimiters, windowMs = DEFAULT_SHARE_WINDOW_MS) {
    this.#bus = bus;
    this.#limiters = limiters;
    this.#windowMs = windowMs;
    limiters.visitorCreations.onTake = (key) => this.#add(this.#visitors, key, 1);
    limiters.loginFailures.onChange = (key, delta) => this.#add(this.#failures, key, delta);
    limiters.gate.onHeld = (key, held) => {
      this.#held.set(key, held);
      this.#schedule();
    };
    this.#stops = [
      bus.onControl<Batch & Json>(ADDRESS_LIMITS, ({ from, body }) => {
        if (from !== bus.nodeId) this.#apply(from, body);
      }),
      bus.onNodeDown((node) => limiters.gate.forgetElsewhere(node)),
      bus.onNodeUp((node) => {
        if (node !== bus.nodeId) bus.send(ADDRESS_LIMITS, this.#allHeld(), node);
      }),
      // Counts sent while the bus was down were lost: everyone gets all of them again.
      bus.onReconnect(() => bus.send(ADDRESS_LIMITS, this.#allHeld())),
    ];
  }

  /** Sends what the current window counted now (tests, and a node about to stop). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const batch: Batch = {};
    if (this.#visitors.size > 0) batch.v = Object.fromEntries(this.#visitors);
    if (this.#failures.size > 0) batch.f = Object.fromEntries(this.#failures);
    if (this.#held.size > 0) batch.c = Object.fromEntries(this.#held);
    this.#visitors = new Map();
    this.#failures = new Map();
    this.#held = new Map();
    if (batch.v || batch.f || batch.c) this.#bus.send(ADDRESS_LIMITS, batch);
  }

  /** Stops sharing and listening. */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#limiters.visitorCreations.onTake = null;
    this.#limiters.loginFailures.onChange = null;
    this.#limiters.gate.onHeld = null;
    for (const stop of this.#stops) stop();
  }

  #add(counts: Map<string, number>, key: string, delta: number): void {
    counts.set(key, (counts.get(key) ?? 0) + delta);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => this.flush(), this.#windowMs);
    this.#timer.unref();
  }

  #allHeld(): Batch & Json {
    return { c: Object.fromEntries(this.#limiters.gate.heldHere()), all: true };
  }

  #apply(from: string, batch: Batch): void {
    const now = Date.now();
    for (const [key, count] of Object.entries(batch.v ?? {})) this.#limiters.visitorCreations.consume(key, count, now);
    for (const [key, delta] of Object.entries(batch.f ?? {})) this.#limiters.loginFailures.apply(key, delta, now);
    if (batch.all) this.#limiters.gate.forgetElsewhere(from);
    for (const [key, held] of Object.entries(batch.c ?? {})) this.#limiters.gate.setElsewhere(from, key, held);
  }
}
