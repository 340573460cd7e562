/**
 * Coalesces what agents are told about visitors. Every page view, tracked event, connect and
 * disconnect of a visitor changes what the console shows, but one frame per change to every
 * agent turns twenty tabs of one busy (or hostile) visitor into megabytes per agent. So changes
 * wait until the end of a window and leave as at most ONE `visitor.updated` per visitor per
 * window: the visitor's latest state with the page views and events of the window.
 *
 * A page view refused by the activity limit is not history, but the visitor did move there: it
 * is held here and, unless a later page view supersedes it, written as the current page at the
 * end of the window (one write per visitor per window, however many were refused).
 *
 * One timer serves every visitor, armed only while something waits.
 */
import type { PageView, TrackedEvent } from '@parley/protocol';
import type { Visitor } from '../storage/storage.js';

/** Default window between two `visitor.updated` frames about one visitor. */
export const DEFAULT_VISITOR_UPDATE_WINDOW_MS = 500;

/** Where the coalescer hands its work. */
export interface VisitorUpdateSink {
  /**
   * The visitor as stored at the end of the window, after writing a held page as the current
   * page; null when the visitor is gone (merged into a known user meanwhile).
   */
  latest(visitorId: string, held: PageView | null): Promise<Visitor | null>;
  /** One `visitor.updated`: the latest state, the window's page views and events (oldest first). */
  publish(visitor: Visitor, pages: PageView[], events: TrackedEvent[]): void;
  /** A held page could not be written (the store failed); logged, nothing else is lost. */
  failed(error: unknown): void;
}

/** Visitors of one window read from the store at once (a PostgreSQL pool serves several reads in parallel). */
const READS_AT_ONCE = 32;

/** What changed about a visitor. */
export interface VisitorActivity {
  page?: PageView;
  event?: TrackedEvent;
}

interface Pending {
  /** The latest state offered; null while only a held page waits. */
  visitor: Visitor | null;
  pages: PageView[];
  events: TrackedEvent[];
  /** A refused page view that should still become the current page. */
  held: PageView | null;
}

/** Collects visitor changes and announces each visitor at most once per window. */
export class VisitorUpdates {
  private readonly windowMs: number;
  private readonly maxListed: number;
  private readonly sink: VisitorUpdateSink;
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  /**
   * @param windowMs the window; 0 or less announces every change at once.
   * @param maxListed page views (and events) one frame carries at most: the newest are kept.
   * @param sink writes held pages and publishes to the agents.
   */
  constructor(windowMs: number, maxListed: number, sink: VisitorUpdateSink) {
    this.windowMs = windowMs;
    this.maxListed = Math.max(1, maxListed);
    this.sink = sink;
  }

  /** The visitor changed (presence, a page view, an event): announced with the window. */
  offer(visitor: Visitor, activity: VisitorActivity = {}): void {
    const entry = this.entry(visitor.id);
    entry.visitor = visitor;
    if (activity.page) {
      // A page view that made it through is newer than any page held back before it.
      entry.held = null;
      pushCapped(entry.pages, activity.page, this.maxListed);
    }
    if (activity.event) pushCapped(entry.events, activity.event, this.maxListed);
    if (this.windowMs <= 0 && entry.held === null) return this.publishNow(visitor.id);
    this.arm();
  }

  /** A page view refused by the limit: it becomes the current page at the end of the window. */
  hold(visitorId: string, page: PageView): void {
    this.entry(visitorId).held = page;
    this.arm();
  }

  /** Announces everything that waited (the end of a window); resolves once held pages are written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return this.flushing ?? Promise.resolve();
    const due = this.pending;
    this.pending = new Map();
    // Windows are announced in order: a slow write of one never lets the next overtake it.
    const done = (this.flushing ? this.flushing.then(() => this.announce(due)) : this.announce(due)).finally(() => {
      if (this.flushing === done) this.flushing = null;
    });
    this.flushing = done;
    return done;
  }

  /** Drops what is waiting and stops the timer (the broker is closing). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  private async announce(due: Map<string, Pending>): Promise<void> {
    // Read in parallel, a slice at a time: after a reconnect storm a window holds thousands of
    // visitors, and one store round trip after the other would let it fall seconds behind.
    const entries = [...due];
    for (let start = 0; start < entries.length; start += READS_AT_ONCE) {
      const slice = entries.slice(start, start + READS_AT_ONCE);
      const latest = await Promise.all(
        slice.map(([visitorId, entry]) =>
          // Read again rather than trust what was offered: a name set by an identify, or a page
          // written by another tab, during the window must not be rolled back by this frame.
          this.sink.latest(visitorId, entry.held).catch((error: unknown) => {
            this.sink.failed(error);
            return entry.visitor;
          }),
        ),
      );
      slice.forEach(([, entry], index) => {
        const visitor = latest[index];
        if (visitor) this.sink.publish(visitor, entry.pages, entry.events);
      });
    }
  }

  private publishNow(visitorId: string): void {
    const entry = this.pending.get(visitorId);
    this.pending.delete(visitorId);
    if (entry?.visitor) this.sink.publish(entry.visitor, entry.pages, entry.events);
  }

  private entry(visitorId: string): Pending {
    let entry = this.pending.get(visitorId);
    if (!entry) {
      entry = { visitor: null, pages: [], events: [], held: null };
      this.pending.set(visitorId, entry);
    }
    return entry;
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(timerOnWindow, Math.max(0, this.windowMs), this);
    // Nothing here is worth keeping a process alive for.
    this.timer.unref();
  }
}

function pushCapped<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

function timerOnWindow(updates: VisitorUpdates): void {
  void updates.flush();
}
