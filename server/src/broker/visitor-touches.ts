/**
 * Batches what opening and closing connections write about visitors (last seen, device,
 * language, current page, the page view a hello carries). One write transaction per hello made
 * a reconnect storm of ten thousand visitors ten thousand transactions, each waiting its turn
 * on the store; here the touches of one turn of the event loop, and all those made while the
 * previous batch was being written, go to the store as one `touchVisitors` call, with at most
 * one touch per visitor. Nothing waits for the write: the welcome is built from the visitor as
 * read plus the touch, the same state the store ends up with.
 */
import type { PageView } from '@parley/protocol';
import type { Storage, VisitorTouch } from '../storage/storage.js';

/**
 * Most touches per batch. A batch is one synchronous transaction on SQLite, some 30 us a touch:
 * a reconnect storm's thousands in one would hold the event loop for a third of a second.
 */
export const MOST_TOUCHES_PER_BATCH = 256;

/** Where the batches go. */
export interface VisitorTouchSink {
  storage: Pick<Storage, 'touchVisitors'>;
  /** Page views kept per visitor (see `touchVisitors`). */
  keepPages: number;
  /** A batch could not be written (the store failed); logged, the next touches still go. */
  failed(error: unknown, visitors: number): void;
}

/** Touches waiting for the next batch, and the batch being written. */
export class VisitorTouches {
  readonly #sink: VisitorTouchSink;
  #pending = new Map<string, VisitorTouch>();
  #scheduled: NodeJS.Immediate | null = null;
  #writing: Promise<void> | null = null;

  constructor(sink: VisitorTouchSink) {
    this.#sink = sink;
  }

  /** Queues a touch, merged with any of the same visitor's still waiting. */
  touch(touch: VisitorTouch): void {
    const waiting = this.#pending.get(touch.visitorId);
    this.#pending.set(touch.visitorId, waiting ? mergeTouches(waiting, touch) : touch);
    this.#schedule();
  }

  /** Resolves once every touch queued before the call is written (or failed). */
  async flush(): Promise<void> {
    while (this.#writing || this.#pending.size > 0) {
      if (this.#writing) await this.#writing;
      else this.#write();
    }
  }

  #schedule(): void {
    // A batch being written takes the next one when it ends: under load, batches grow.
    if (this.#scheduled !== null || this.#writing !== null) return;
    this.#scheduled = setImmediate(() => this.#write());
  }

  #write(): void {
    if (this.#scheduled !== null) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    const batch: VisitorTouch[] = [];
    for (const [visitorId, touch] of this.#pending) {
      if (batch.length === MOST_TOUCHES_PER_BATCH) break;
      batch.push(touch);
      this.#pending.delete(visitorId);
    }
    if (batch.length === 0) return;
    this.#writing = this.#sink.storage
      .touchVisitors(batch, this.#sink.keepPages)
      .catch((error: unknown) => this.#sink.failed(error, batch.length))
      .finally(() => {
        this.#writing = null;
        if (this.#pending.size > 0) this.#schedule();
      });
  }
}

/** Two touches of one visitor as one: the later values win, page views add up. */
export function mergeTouches(first: VisitorTouch, second: VisitorTouch): VisitorTouch {
  const merged: VisitorTouch = { ...first, ...definedOnly(second), lastSeenAt: Math.max(first.lastSeenAt, second.lastSeenAt) };
  merged.currentPage = laterPage(first.currentPage, second.currentPage);
  if (merged.currentPage === undefined) delete merged.currentPage;
  const pages = [...(first.pages ?? []), ...(second.pages ?? [])];
  if (pages.length > 0) merged.pages = pages;
  return merged;
}

function laterPage(a: PageView | undefined, b: PageView | undefined): PageView | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.at >= a.at ? b : a;
}

function definedOnly(touch: VisitorTouch): Partial<VisitorTouch> {
  const out: Partial<VisitorTouch> = {};
  if (touch.browser !== undefined) out.browser = touch.browser;
  if (touch.os !== undefined) out.os = touch.os;
  if (touch.language !== undefined) out.language = touch.language;
  return out;
}
