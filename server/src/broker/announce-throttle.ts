/**
 * Batches inbox announcements of ordinary activity across conversations. Agents need each
 * conversation's activity to keep the inbox live, not one frame per message: with thousands of
 * conversations each getting a message every few seconds, a per-conversation throttle merges
 * nothing and every message costs one frame per agent connection. So activity waits (the latest
 * per conversation) and, once per window, all of it leaves together in one batch: one
 * `inbox.activity` frame per agent connection per window, however many conversations moved.
 *
 * Changes agents must see at once (new, resolved, reopened, assigned) go through `now` as whole
 * summaries, which also drops the older activity still waiting, so a stale one never lands
 * after it.
 *
 * One timer serves every conversation, armed only while something waits.
 */
import type { ConversationActivity, ConversationSummary } from '@parley/protocol';

/** Default window between two batches of activity announcements. */
export const DEFAULT_ANNOUNCE_WINDOW_MS = 200;

/** A conversation's activity with the site it belongs to, which addresses it (and is not sent). */
export type SiteActivity = ConversationActivity & { siteId: string };

/** Where the throttle hands its announcements. */
export interface AnnounceSink {
  /** One summary agents must see at once (`conversation.updated`). */
  now(summary: ConversationSummary): void;
  /** The latest activity of a window, one entry per conversation, never empty (`inbox.activity`). */
  batch(activity: SiteActivity[]): void;
}

/** Collects conversations' activity and announces it in one batch per window. */
export class AnnounceThrottle {
  private readonly windowMs: number;
  private readonly sink: AnnounceSink;
  /** Latest activity per conversation waiting for the end of the window. */
  private pending = new Map<string, SiteActivity>();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param windowMs the window; 0 or less announces each activity at once, in a batch of its own.
   * @param sink publishes announcements to the agents.
   */
  constructor(windowMs: number, sink: AnnounceSink) {
    this.windowMs = windowMs;
    this.sink = sink;
  }

  /** A conversation's ordinary activity (a message): announced with the window's batch. */
  offer(activity: SiteActivity): void {
    // Re-inserting keeps the batch in order of latest activity, which is how the inbox sorts.
    this.pending.delete(activity.id);
    this.pending.set(activity.id, activity);
    if (this.windowMs <= 0) this.flush();
    else this.arm();
  }

  /** A summary agents must see at once; it replaces any activity of the conversation waiting. */
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
