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
    const now = this.now();
    for (const peer of this.peers) {
      if (peer.expiresAt !== undefined && peer.expiresAt <= now) {
        peer.expire();
        continue;
      }
      const read = peer.bytesRead;
      if (read !== peer.heardBytes) {
        peer.heardBytes = read;
        peer.quietTicks = 0;
      } else if (++peer.quietTicks >= DEAD_AFTER_TICKS) {
        // Terminating leads to `close`, which removes the peer from the collection.
        peer.terminate();
        continue;
      }
      peer.ping();
    }
  }
}
