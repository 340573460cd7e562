/**
 * Ends console connections whose session was ended: signed out, the agent's password changed or
 * the agent removed, on this relay node, another one, or by the `parley` command. The store is
 * the one record of live sessions, so one query per sweep (for every agent connection of this
 * node at once) finds them; nothing is checked per frame. A sign-out on this node sweeps at
 * once; anything else is found within one interval.
 */
import type { Logger } from '../log.js';
import type { Storage } from '../storage/storage.js';

/** What the sweep needs from a connection. */
export interface SweptPeer {
  /** The stored session the agent connected with; undefined for visitors (never swept). */
  readonly agentSessionId: string | undefined;
  /** Closes the connection: the client must sign in again (close 4001). */
  expire(message?: string): void;
}

/** The message the closed console receives. */
export const SESSION_ENDED_MESSAGE = 'This console session was ended (signed out, password changed or account removed); sign in again.';

/** Periodically closes connections of ended agent sessions. */
export class SessionSweep {
  private readonly storage: Storage;
  private readonly peers: Iterable<SweptPeer>;
  private readonly intervalMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  /** The sweep under way, if any. */
  private running: Promise<void> | null = null;
  /** The one sweep that runs after it, for every request made while it runs. */
  private queued: Promise<void> | null = null;

  /**
   * @param intervalMs time between sweeps; 0 sweeps only when asked (`sweepSoon`).
   * @param peers the live collection of connections (owned by the caller, read at each sweep).
   */
  constructor(storage: Storage, peers: Iterable<SweptPeer>, intervalMs: number, log: Logger, now: () => number = Date.now) {
    this.storage = storage;
    this.peers = peers;
    this.intervalMs = intervalMs;
    this.log = log;
    this.now = now;
  }

  /** Starts sweeping every interval (idempotent). */
  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.sweepSoon(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops sweeping. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Sweeps now, or right after the sweep under way (which may have read the store before the
   * session ended); resolves when that sweep is done. Requests made during a sweep share one.
   */
  sweepSoon(): Promise<void> {
    if (this.running) {
      this.queued ??= this.running.then(() => {
        this.queued = null;
        return this.sweepSoon();
      });
      return this.queued;
    }
    this.running = this.sweep()
      .catch((error: unknown) => this.log.error('session sweep failed', { error }))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async sweep(): Promise<void> {
    const bySession = new Map<string, SweptPeer[]>();
    for (const peer of this.peers) {
      const id = peer.agentSessionId;
      if (id === undefined) continue;
      const list = bySession.get(id);
      if (list) list.push(peer);
      else bySession.set(id, [peer]);
    }
    if (bySession.size === 0) return;
    const live = await this.storage.liveAgentSessions([...bySession.keys()], this.now());
    for (const [id, peers] of bySession) {
      if (live.has(id)) continue;
      for (const peer of peers) peer.expire(SESSION_ENDED_MESSAGE);
    }
  }
}
