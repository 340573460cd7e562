/**
 * The heartbeat: one timer for every connection (not one per connection, which would cost
 * memory at tens of thousands of sockets). Each tick pings every peer; a peer that sent
 * nothing, not even a pong, for two intervals is dead and is terminated.
 */

/** What the heartbeat needs from a connection. */
export interface HeartbeatPeer {
  /** When the peer last sent anything (a frame or a pong), in ms. */
  readonly lastSeen: number;
  ping(): void;
  terminate(): void;
}

/** Pings live peers and drops dead ones. */
export class Heartbeat {
  private readonly peers = new Set<HeartbeatPeer>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
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

  /** Starts watching a peer. */
  add(peer: HeartbeatPeer): void {
    this.peers.add(peer);
  }

  /** Stops watching a peer (it closed). */
  delete(peer: HeartbeatPeer): void {
    this.peers.delete(peer);
  }

  private timerOnTick(): void {
    const deadline = Date.now() - 2 * this.intervalMs;
    for (const peer of this.peers) {
      if (peer.lastSeen < deadline) {
        this.peers.delete(peer);
        peer.terminate();
      } else {
        peer.ping();
      }
    }
  }
}
