/**
 * The checkpoint of one sharing session: the serialised `cobrowse.events` frames from the latest
 * full snapshot (its part 0) onwards, in the same stream. An agent who joins late is sent these
 * and sees the page at once. Past `cobrowseCheckpointBytes` it is dropped rather than grown: the
 * source is asked for a fresh full snapshot, which starts a new one.
 */
import type { CobrowseEventsFrame } from '@parley/protocol';

/**
 * What adding a frame did: `started` a new checkpoint (a full snapshot's part 0), `added` to the
 * current one, `dropped` it (over the cap, or a gap or another stream broke it), or `ignored`
 * the frame (no full snapshot to build on yet).
 */
export type CheckpointChange = 'started' | 'added' | 'dropped' | 'ignored';

/** The frames an agent needs to rebuild the page, kept as the text that was forwarded. */
export class Checkpoint {
  /** Bumped whenever the frames are replaced or dropped, so a reader can tell it was reset. */
  generation = 0;
  private frames: string[] = [];
  private size = 0;
  private stream: string | null = null;
  private lastSeq = -1;
  private readonly cap: number;

  /** @param cap most bytes kept (`cobrowseCheckpointBytes`). */
  constructor(cap: number) {
    this.cap = cap;
  }

  /** True while it holds a full snapshot to build on. */
  get valid(): boolean {
    return this.stream !== null;
  }

  /** Number of frames kept. */
  get length(): number {
    return this.frames.length;
  }

  /** Bytes kept (UTF-8). */
  get bytes(): number {
    return this.size;
  }

  /** The frame at `index` (0 is the full snapshot's part 0). */
  frame(index: number): string {
    return this.frames[index]!;
  }

  /** Adds a forwarded frame (`text` is `frame` serialised). */
  add(frame: CobrowseEventsFrame, text: string): CheckpointChange {
    const bytes = Buffer.byteLength(text);
    if (frame.full === true && (frame.part ?? 0) === 0) {
      this.generation++;
      this.frames = [text];
      this.size = bytes;
      this.stream = frame.stream;
      this.lastSeq = frame.seq;
      return this.size > this.cap ? this.drop() : 'started';
    }
    if (this.stream === null) return 'ignored';
    // A gap or a new stream without its snapshot: what follows cannot be rebuilt from here.
    if (frame.stream !== this.stream || frame.seq !== this.lastSeq + 1) return this.drop();
    this.frames.push(text);
    this.size += bytes;
    this.lastSeq = frame.seq;
    return this.size > this.cap ? this.drop() : 'added';
  }

  /** Forgets every frame. */
  clear(): void {
    if (this.stream === null && this.frames.length === 0) return;
    this.drop();
  }

  private drop(): 'dropped' {
    this.generation++;
    this.frames = [];
    this.size = 0;
    this.stream = null;
    this.lastSeq = -1;
    return 'dropped';
  }
}
