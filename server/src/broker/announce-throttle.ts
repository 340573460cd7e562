/**
 * Batches inbox announcements of ordinary activity across conversations. Agents need each
 * summary to keep the inbox live, not one frame per message: with thousands of conversations
 * each getting a message every few seconds, a per-conversation throttle merges nothing and every
 * message costs one frame per agent connection. So activity summaries wait (the latest per
 * conversation) and, once per window, all of them leave together in one batch: one
 * `inbox.updates` frame per agent connection per window, however many conversations moved.
 *
 * Changes agents must see at once (new, resolved, reopened, assigned) go through `now`, which
 * also drops the older summary still waiting, so a stale one never lands after it.
 *
 * One timer serves every conversation, armed only while something waits.
 */
import type { ConversationSummary } from '@parley/protocol';

/** Default window between two batches of activity announcements. */
export const DEFAULT_ANNOUNCE_WINDOW_MS = 200;

/** Where the throttle hands its announcements. */
export interface AnnounceSink {
  /** One summary agents must see at once (`conversation.updated`). */
  now(summary: ConversationSummary): void;
  /** The latest activity summaries of a window, one per conversation, never empty (`inbox.updates`). */
  batch(summaries: ConversationSummary[]): void;
}

/** Collects activity summaries and announces them in one batch per window. */
export class AnnounceThrottle {
  private readonly windowMs: number;
  private readonly sink: AnnounceSink;
  /** Latest summary per conversation waiting for the end of the window. */
  private pending = new Map<string, ConversationSummary>();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param windowMs the window; 0 or less announces every summary at once, one by one.
   * @param sink publishes announcements to the agents.
   */
  constructor(windowMs: number, sink: AnnounceSink) {
    this.windowMs = windowMs;
    this.sink = sink;
  }

  /** A summary after ordinary activity (a message): announced with the window's batch. */
  offer(summary: ConversationSummary): void {
    if (this.windowMs <= 0) return this.sink.now(summary);
    // Re-inserting keeps the batch in order of latest activity, which is how the inbox sorts.
    this.pending.delete(summary.id);
    this.pending.set(summary.id, summary);
    this.arm();
  }

  /** A summary agents must see at once; it replaces any summary of the conversation waiting. */
  now(summary: ConversationSummary): void {
    this.pending.delete(summary.id);
    this.sink.now(summary);
  }

  /** Drops what is waiting and stops the timer (the broker is closing). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  /** End of a window: announce everything that waited, in one batch. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const due = [...this.pending.values()];
    this.pending = new Map();
    this.sink.batch(due);
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(timerOnWindow, this.windowMs, this);
    // Nothing here is worth keeping a process alive for.
    this.timer.unref();
  }
}

function timerOnWindow(throttle: AnnounceThrottle): void {
  throttle.flush();
}
