/**
 * Coalesces inbox announcements (`conversation.updated` to every agent) of busy conversations.
 * Agents need the summary to keep the inbox live, not one copy per message: a conversation is
 * announced at once the first time in a window, then at most once more per window with the
 * latest summary (the trailing edge), so the final state always arrives. Changes agents must see
 * at once (new, resolved, reopened, assigned) go through `now`, which also drops the older
 * summary still waiting, so a stale one never lands after it.
 *
 * One timer serves every conversation: a window is a tick of it, not a timer per conversation.
 */
import type { ConversationSummary } from '@parley/protocol';

/** Default window between two announcements of one busy conversation. */
export const DEFAULT_ANNOUNCE_WINDOW_MS = 200;

/** Rate-limits `conversation.updated` per conversation, keeping the trailing edge. */
export class AnnounceThrottle {
  private readonly windowMs: number;
  private readonly emit: (summary: ConversationSummary) => void;
  /** Latest summary per conversation waiting for the end of the window. */
  private pending = new Map<string, ConversationSummary>();
  /** Conversations announced during the current window. */
  private recent = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param windowMs the window; 0 or less announces every summary at once.
   * @param emit publishes one summary to the agents.
   */
  constructor(windowMs: number, emit: (summary: ConversationSummary) => void) {
    this.windowMs = windowMs;
    this.emit = emit;
  }

  /** A summary after ordinary activity (a message): announced now or at the end of the window. */
  offer(summary: ConversationSummary): void {
    if (this.windowMs <= 0) return this.emit(summary);
    if (this.recent.has(summary.id)) {
      this.pending.set(summary.id, summary);
      return;
    }
    this.recent.add(summary.id);
    this.arm();
    this.emit(summary);
  }

  /** A summary agents must see at once; it replaces any summary of the conversation waiting. */
  now(summary: ConversationSummary): void {
    this.pending.delete(summary.id);
    this.emit(summary);
  }

  /** Drops what is waiting and stops the timer (the broker is closing). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.recent.clear();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(timerOnWindow, this.windowMs, this);
    // Nothing here is worth keeping a process alive for.
    this.timer.unref();
  }

  /** End of a window: announce what waited; those conversations start the next window busy. */
  flush(): void {
    this.timer = null;
    const due = this.pending;
    this.pending = new Map();
    this.recent = new Set(due.keys());
    if (this.recent.size > 0) this.arm();
    for (const summary of due.values()) this.emit(summary);
  }
}

function timerOnWindow(throttle: AnnounceThrottle): void {
  throttle.flush();
}
