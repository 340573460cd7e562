/**
 * The viewer's handling of page data, apart from the replayer: reassemble, validate, hand whole
 * batches to the mirror, tell the console the page's address and size, and ask for a fresh
 * checkpoint after a gap or bad data.
 */
import type { CobrowseEventsFrame } from '@parley/protocol';
import { BatchAssembler } from './batch-assembler.js';
import type { FromViewerMessage } from './messages.js';
import { nextPageInfo, type PageInfo } from './page-info.js';
import { parseEvents, type ReplayEvent } from './replay-events.js';
import { ResyncGate } from './resync-gate.js';

/** Where whole batches go (the rrweb mirror in the page, a recorder in tests). */
export interface MirrorSink {
  /** A batch that starts with a full snapshot: a new picture. */
  full(events: ReplayEvent[]): void;
  /** Any later batch of the same stream. */
  add(events: ReplayEvent[]): void;
}

/** What a page stream needs from the viewer. */
export interface PageStreamOptions {
  mirror: MirrorSink;
  post(message: FromViewerMessage): void;
  /** Milliseconds on a monotonic clock. */
  now(): number;
}

/** The page data of one viewer. */
export class PageStream {
  private readonly options: PageStreamOptions;
  private readonly assembler = new BatchAssembler();
  private readonly gate: ResyncGate;
  private page: PageInfo | null = null;

  constructor(options: PageStreamOptions) {
    this.options = options;
    this.gate = new ResyncGate(options.now());
  }

  /** True while page data is ignored until the next full batch. */
  get waitingForFull(): boolean {
    return this.assembler.waitingForFull;
  }

  /** One `cobrowse.events` frame from the console. */
  receive(frame: CobrowseEventsFrame): void {
    const result = this.assembler.accept(frame);
    switch (result.kind) {
      case 'partial':
        return;
      case 'dropped':
        if (this.assembler.waitingForFull) this.ask(false);
        return;
      case 'gap':
        this.ask(true);
        return;
      case 'batch': {
        const events = parseEvents(result.text, result.full);
        if (!events) {
          this.broken();
          return;
        }
        this.apply(events, result.full);
      }
    }
  }

  /** Waits for the next full batch, keeping the picture (the console rejoined). */
  reset(): void {
    this.assembler.reset();
  }

  /** The mirror could not apply what it was given: start over from a fresh checkpoint. */
  broken(): void {
    this.assembler.reset();
    this.ask(true);
  }

  private apply(events: ReplayEvent[], full: boolean): void {
    // Read before the mirror re-stamps the events (the page info needs none of the times).
    const page = nextPageInfo(this.page, events);
    try {
      if (full) this.options.mirror.full(events);
      else this.options.mirror.add(events);
    } catch {
      this.broken();
      return;
    }
    if (page && page !== this.page) {
      this.page = page;
      this.options.post({ kind: 'page', url: page.url, width: page.width, height: page.height });
    }
  }

  private ask(gap: boolean): void {
    if (this.gate.shouldAsk(this.options.now(), gap)) this.options.post({ kind: 'resync' });
  }
}
