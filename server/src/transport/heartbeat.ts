/**
 * The heartbeat: one timer for every connection (not one per connection, which would cost
 * memory at tens of thousands of sockets). Each interval it pings every peer once, spread
 * evenly over the interval; a peer that sent nothing, not even a pong, for two intervals is
 * dead and is terminated.
 *
 * Liveness is read from the count of bytes the peer's TCP socket has received rather than
 * stamped by a `pong` and `message` listener: the count moves for frames and pongs alike, and
 * watching it costs no listener, closure or timestamp per socket.
 *
 * The same sweep ends connections whose token has expired (an agent's console session lasts
 * `agentTokenTtlMs`), within one interval of the expiry, without a timer per connection.
 */

/** What the heartbeat needs from a connection. */
export interface HeartbeatPeer {
  /** Bytes received from the peer so far (frames, pongs, everything). */
  readonly bytesRead: number;
  /** The heartbeat's bookkeeping: `bytesRead` at the last tick. Starts at 0. */
  heardBytes: number;
  /** The heartbeat's bookkeeping: ticks in a row without a byte from the peer. Starts at 0. */
  quietTicks: number;
  /** When the token the peer connected with expires (ms since the epoch), if it does. */
  readonly expiresAt: number | undefined;
  ping(): void;
  terminate(): void;
  /** Closes the connection because its token expired (close 4001, `unauthorized`). */
  expire(): void;
}

/** Checks in a row without a byte from the peer after which it is considered dead. */
const DEAD_AFTER_TICKS = 2;

/**
 * Time between two steps of a sweep. A sweep is spread over its whole interval, a step every
 * `STEP_MS` taking its share of the peers: a ping is a socket write and its pong a read, and
 * 10,000 of each within a few turns held the relay (and its peers) for a few hundred
 * milliseconds every interval, delaying every message in flight by up to that much. In steps, a
 * relay with 10,000 connections and the 25 s default pings 20 of them every 50 ms.
 */
export const STEP_MS = 50;

/** Pings live peers and drops dead ones. */
export class Heartbeat {
  private readonly peers: ReadonlySet<HeartbeatPeer>;
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** Steps per sweep: the interval divided into `STEP_MS` steps (at least one). */
  private readonly steps: number;
  /**
   * The sweep under way: a live walk over the peers (one that leaves before its turn is skipped,
   * and nothing holds it), their number when it began, the steps taken and the peers checked.
   */
  private sweep: Iterator<HeartbeatPeer> | null = null;
  private sweepSize = 0;
  private step = 0;
  private checked = 0;

  /**
   * @param intervalMs time between two checks of one peer; 0 or less disables the heartbeat.
   * @param peers the live set of peers to watch (owned by the caller and walked as it is, so the
   *   relay keeps one set of its connections rather than two).
   * @param now the clock token expiries are compared with.
   */
  constructor(intervalMs: number, peers: ReadonlySet<HeartbeatPeer>, now: () => number = Date.now) {
    this.intervalMs = intervalMs;
    this.steps = Math.max(1, Math.round(intervalMs / STEP_MS));
    this.peers = peers;
    this.now = now;
  }

  /** Starts ticking (idempotent). */
  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => this.timerOnStep(), this.intervalMs / this.steps);
    this.timer.unref();
  }

  /** Stops ticking. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sweep = null;
    this.step = 0;
  }

  private timerOnStep(): void {
    if (this.step === 0) {
      this.sweep = this.peers.values();
      this.sweepSize = this.peers.size;
      this.checked = 0;
    }
    this.step++;
    // The share of the sweep due by this step, so every peer is checked once per interval. Peers
    // joining meanwhile come after those the sweep began with: the next sweep reaches them.
    const due = Math.ceil((this.sweepSize * this.step) / this.steps);
    const now = this.now();
    for (; this.checked < due; this.checked++) {
      const next = this.sweep!.next();
      if (next.done) break;
      check(next.value, now);
    }
    if (this.step === this.steps) {
      this.sweep = null;
      this.step = 0;
    }
  }
}

/** One peer at one check: expired, dead, or pinged. */
function check(peer: HeartbeatPeer, now: number): void {
  if (peer.expiresAt !== undefined && peer.expiresAt <= now) {
    peer.expire();
    return;
  }
  const read = peer.bytesRead;
  if (read !== peer.heardBytes) {
    peer.heardBytes = read;
    peer.quietTicks = 0;
  } else if (++peer.quietTicks >= DEAD_AFTER_TICKS) {
    // Terminating leads to `close`, which removes the peer from the collection.
    peer.terminate();
    return;
  }
  peer.ping();
}
