/**
 * One agent connection watching a sharing session, and how page data reaches it without
 * growing the relay's memory:
 *
 * - `live`: each new frame is sent as it arrives, unless the connection has more than a quarter
 *   of `maxBufferedBytes` queued; then it is `behind` and skipped.
 * - `behind`: polled until its queue drains below a sixteenth, then sent the checkpoint again
 *   while the source is asked for a fresh full snapshot (as on a join).
 * - `catching-up`: the checkpoint is being sent, paced so that no more than half of
 *   `maxBufferedBytes` is queued at a time (the transport cuts a connection at the whole of it);
 *   the rest follows on a short timer. Frames arriving meanwhile join the checkpoint and are
 *   sent by the same pass, so the order never changes.
 * - `waiting`: there is no checkpoint to send (it was dropped); the next full snapshot is sent.
 */
import type { Checkpoint, CheckpointChange } from './checkpoint.js';

/** What a watcher sends through: a connection's text sends and its queued byte count. */
export interface WatcherLink {
  sendText(text: string): void;
  /** Bytes queued to the connection and not yet written to the network. */
  readonly bufferedAmount: number;
}

/** Where a watcher stands (see the file comment). */
export type WatcherMode = 'live' | 'behind' | 'catching-up' | 'waiting';

/** How often a paced or behind watcher is looked at again, in milliseconds. */
export const WATCHER_RETRY_MS = 20;

/** Sends a sharing session's page data to one agent connection. */
export class Watcher {
  readonly link: WatcherLink;
  private modeNow: WatcherMode = 'waiting';
  private index = 0;
  private generation = -1;
  private timer: NodeJS.Timeout | null = null;
  private readonly checkpoint: Checkpoint;
  private readonly maxBufferedBytes: number;
  private readonly needSnapshot: () => void;

  /**
   * @param needSnapshot called when the watcher needs page data the checkpoint does not hold
   *   (the caller asks the source for a full snapshot, rate-limited).
   */
  constructor(link: WatcherLink, checkpoint: Checkpoint, maxBufferedBytes: number, needSnapshot: () => void) {
    this.link = link;
    this.checkpoint = checkpoint;
    this.maxBufferedBytes = maxBufferedBytes;
    this.needSnapshot = needSnapshot;
  }

  /** Where the watcher stands. */
  get mode(): WatcherMode {
    return this.modeNow;
  }

  /** Sends the checkpoint from its start (a join, a resync, or a drained backlog). */
  resync(): void {
    this.stopTimer();
    if (!this.checkpoint.valid) {
      this.modeNow = 'waiting';
      this.needSnapshot();
      return;
    }
    this.modeNow = 'catching-up';
    this.generation = this.checkpoint.generation;
    this.index = 0;
    this.pump();
  }

  /** A new frame arrived; `change` says what the checkpoint did with it. */
  offer(text: string, change: CheckpointChange): void {
    switch (this.modeNow) {
      case 'live':
        if (this.link.bufferedAmount > this.maxBufferedBytes / 4) {
          this.modeNow = 'behind';
          this.schedule();
          return;
        }
        this.link.sendText(text);
        return;
      case 'catching-up':
        // The pass in progress sends it from the checkpoint; a reset or drop is noticed there.
        if (change === 'dropped') this.pump();
        return;
      case 'waiting':
        if (change === 'started') this.resync();
        return;
      case 'behind':
        return;
    }
  }

  /** Stops every timer; nothing more is sent. */
  dispose(): void {
    this.stopTimer();
    this.modeNow = 'waiting';
  }

  /** Sends checkpoint frames while the connection's queue is under half the cut-off. */
  private pump(): void {
    this.stopTimer();
    if (this.generation !== this.checkpoint.generation) {
      if (!this.checkpoint.valid) {
        this.modeNow = 'waiting';
        this.needSnapshot();
        return;
      }
      // A new full snapshot replaced the checkpoint: it alone rebuilds the page.
      this.generation = this.checkpoint.generation;
      this.index = 0;
    }
    const limit = this.maxBufferedBytes / 2;
    while (this.index < this.checkpoint.length) {
      if (this.link.bufferedAmount >= limit) return this.schedule();
      this.link.sendText(this.checkpoint.frame(this.index++));
    }
    this.modeNow = 'live';
  }

  private schedule(): void {
    this.stopTimer();
    this.timer = setTimeout(watcherOnTimer, WATCHER_RETRY_MS, this);
    this.timer.unref();
  }

  /** The retry timer fired: continue a paced pass, or check whether a backlog drained. */
  tick(): void {
    this.timer = null;
    if (this.modeNow === 'catching-up') return this.pump();
    if (this.modeNow !== 'behind') return;
    if (this.link.bufferedAmount >= this.maxBufferedBytes / 16) return this.schedule();
    // Like a join: the checkpoint now, and a fresh snapshot so the next pass is short (without
    // a checkpoint, resync has asked for one already).
    const valid = this.checkpoint.valid;
    this.resync();
    if (valid) this.needSnapshot();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function watcherOnTimer(watcher: Watcher): void {
  watcher.tick();
}
