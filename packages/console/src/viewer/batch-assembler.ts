/**
 * Puts `cobrowse.events` frames back into whole batches: follows one stream's consecutive `seq`,
 * joins the slices of a split batch (`part` 0..parts-1) and notices anything missing. After a
 * gap nothing can be applied safely (a mutation may name nodes the viewer never saw), so it
 * drops frames until the next full batch starts a clean picture.
 */
import type { CobrowseEventsFrame } from '@parley/protocol';
import { DEFAULT_LIMITS } from '@parley/protocol';

/** What one frame amounts to. */
export type AssemblerResult =
  /** A whole batch: the JSON text of an array of rrweb events. */
  | { kind: 'batch'; stream: string; full: boolean; text: string }
  /** Part of a batch, kept until the rest arrives. */
  | { kind: 'partial' }
  /** Something is missing or wrong; the viewer needs a fresh checkpoint. */
  | { kind: 'gap'; reason: string }
  /** Ignored: a repeat, or page data while waiting for a full batch. */
  | { kind: 'dropped' };

/** Largest split batch joined, in UTF-16 units: a full batch bigger than a checkpoint never arrives whole. */
export const MAX_BATCH_CHARS = 2 * DEFAULT_LIMITS.cobrowseCheckpointBytes;

interface Assembly {
  parts: number;
  full: boolean;
  pieces: string[];
  chars: number;
}

function startsFullBatch(frame: CobrowseEventsFrame): boolean {
  return frame.full === true && (frame.part ?? 0) === 0;
}

/** The reassembly state of one viewer. */
export class BatchAssembler {
  private stream: string | null = null;
  private nextSeq = 0;
  private assembly: Assembly | null = null;
  private waiting = true;

  /** True until a full batch starts, and again after a gap. */
  get waitingForFull(): boolean {
    return this.waiting;
  }

  /** Forgets the position: only the next full batch is taken. */
  reset(): void {
    this.waiting = true;
    this.assembly = null;
  }

  /** Takes the next frame. */
  accept(frame: CobrowseEventsFrame): AssemblerResult {
    if (startsFullBatch(frame)) {
      // A full batch needs nothing before it: it is where a watcher may always start.
      this.stream = frame.stream;
      this.nextSeq = frame.seq;
      this.assembly = null;
      this.waiting = false;
    }
    if (this.waiting) return { kind: 'dropped' };
    if (frame.stream !== this.stream) return this.gap('a new stream began without a full snapshot');
    if (frame.seq < this.nextSeq) return { kind: 'dropped' };
    if (frame.seq > this.nextSeq) return this.gap(`expected seq ${this.nextSeq}, got ${frame.seq}`);
    this.nextSeq = frame.seq + 1;
    return this.piece(frame);
  }

  private piece(frame: CobrowseEventsFrame): AssemblerResult {
    const parts = frame.parts ?? 1;
    const part = frame.part ?? 0;
    const full = frame.full === true;
    if (parts <= 1) {
      if (this.assembly) return this.gap('a batch ended before its last part');
      return { kind: 'batch', stream: frame.stream, full, text: frame.data };
    }
    if (!this.assembly) {
      if (part !== 0) return this.gap('a split batch began after its first part');
      this.assembly = { parts, full, pieces: [], chars: 0 };
    }
    const a = this.assembly;
    if (parts !== a.parts || full !== a.full || part !== a.pieces.length) return this.gap('the parts of a batch do not match');
    a.pieces.push(frame.data);
    a.chars += frame.data.length;
    if (a.chars > MAX_BATCH_CHARS) return this.gap('a split batch is too large');
    if (a.pieces.length < a.parts) return { kind: 'partial' };
    this.assembly = null;
    return { kind: 'batch', stream: frame.stream, full, text: a.pieces.join('') };
  }

  private gap(reason: string): AssemblerResult {
    this.reset();
    return { kind: 'gap', reason };
  }
}
