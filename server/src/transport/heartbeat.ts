/**
 * The heartbeat: one timer for every connection (not one per connection, which would cost
 * memory at tens of thousands of sockets). Each tick pings every peer; a peer that sent
 * nothing, not even a pong, for two intervals is dead and is terminated.
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

/** Ticks without a byte from the peer after which it is considered dead. */
const DEAD_AFTER_TICKS = 2;

/**
 * Peers handled in one turn of the event loop. A ping is a socket write: 10,000 of them in one
 * turn held the relay for a quarter of a second, delaying every message in flight; in slices,
 * the messages go out between them.
 */
export const SWEEP_SLICE = 256;

// Captured at load, like the store's commits: tests faking timers do not hold the sweep back.
const nextTurn = setImmediate;

/** Pings live peers and drops dead ones. */
export class Heartbeat {
  private readonly peers: Iterable<HeartbeatPeer>;
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;

  /**
   * @param intervalMs time between ticks; 0 or less disables the heartbeat.
   * @param peers the live collection of peers to watch (owned by the caller, read at each tick,
   *   so the relay keeps one set of its connections rather than two).
   * @param now the clock token expiries are compared with.
   */
  private readonly now: () => number;

  constructor(intervalMs: number, peers: Iterable<HeartbeatPeer>, now: () => number = Date.now) {
    this.intervalMs = intervalMs;
    this.peers = peers;
    this.now = now;
  }

  /** Starts ticking (idempotent). */
  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => this.timerOnTick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops ticking. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private timerOnTick(): void {
    // A snapshot: peers closing (and leaving the collection) during the sweep do not disturb it.
    this.sweep([...this.peers], 0, this.now());
  }

  /** Handles `SWEEP_SLICE` peers from `from`, then the rest on later turns. */
  private sweep(peers: HeartbeatPeer[], from: number, now: number): void {
    const end = Math.min(peers.length, from + SWEEP_SLICE);
    for (let i = from; i < end; i++) check(peers[i]!, now);
    if (end < peers.length) nextTurn(() => this.sweep(peers, end, now));
  }
}

/** One peer at one tick: expired, dead, or pinged. */
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
