/**
 * Turns rrweb's event stream into numbered `cobrowse.events` frames. A change after a quiet
 * moment leaves at the end of the current task (the events of one task travel as one frame);
 * under sustained activity frames leave at most every `flushMs`, so a busy page costs a bounded
 * number of frames instead of one per event. A batch
 * whose JSON grows past `maxBatchChars` leaves at once, and a Meta event (which rrweb emits right
 * before every full snapshot) always starts a batch of its own, marked `full` so the relay can
 * start a checkpoint there. A batch too large for one frame is split into parts.
 *
 * A stream starts with a full snapshot: until a Meta event arrives, events are dropped. When a
 * frame cannot be sent (the link is down) the stream is broken: nothing more is sent until
 * `restart()` begins a new stream, which the caller follows with a full snapshot.
 */
import { DEFAULT_LIMITS } from '@parley/protocol';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { splitJson } from './json-split.js';

/** rrweb's event type of the Meta event that precedes every full snapshot. */
export const META_EVENT = 4;

/** An rrweb event: a numeric type, and data that travels as it is. */
export interface RecordedEvent {
  type: number;
  [field: string]: unknown;
}

/** What a batcher needs. */
export interface EventBatcherOptions {
  conversationId: string;
  /** Sends one frame; false when it could not be sent. */
  send: (frame: CobrowseEventsFrame) => boolean;
  /** A fresh stream id (8 to 64 of `A-Za-z0-9_-`). */
  newStream: () => string;
  /** Least time between two frames while the page keeps changing, in milliseconds. */
  flushMs?: number;
  /** JSON length past which a batch leaves at once. */
  maxBatchChars?: number;
  /** Most UTF-8 bytes of one frame's JSON-encoded `data` (the rest of the frame fits in the margin). */
  maxDataBytes?: number;
}

/** Batches, numbers and splits one recording's events. */
export class EventBatcher {
  private _stream: string;
  private _seq = 0;
  private _items: string[] = [];
  private _chars = 0;
  private _full = false;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last frame left, for the sustained-activity spacing. */
  private _lastSent = -Infinity;
  private _waitingForMeta = true;
  private _broken = false;
  private readonly _flushMs: number;
  private readonly _maxBatchChars: number;
  private readonly _maxDataBytes: number;

  constructor(private readonly _options: EventBatcherOptions) {
    this._stream = _options.newStream();
    this._flushMs = _options.flushMs ?? 50;
    this._maxBatchChars = _options.maxBatchChars ?? 32 * 1024;
    this._maxDataBytes = _options.maxDataBytes ?? DEFAULT_LIMITS.maxFrameBytes - 1024;
  }

  /** The current stream id. */
  get stream(): string {
    return this._stream;
  }

  /** Whether a frame was lost since the stream began (a restart is needed). */
  get broken(): boolean {
    return this._broken;
  }

  /** Takes one recorded event. */
  push(event: RecordedEvent): void {
    const meta = event.type === META_EVENT;
    if (meta) {
      // What came before the snapshot belongs to the previous checkpoint.
      this.flush();
      this._waitingForMeta = false;
      this._full = true;
    }
    if (this._waitingForMeta || this._broken) return;
    const json = JSON.stringify(event);
    this._items.push(json);
    this._chars += json.length + 1;
    if (this._chars > this._maxBatchChars) this.flush();
    else if (this._timer === undefined) {
      const wait = Math.max(0, this._lastSent + this._flushMs - Date.now());
      this._timer = setTimeout(() => this.flush(), wait);
    }
  }

  /** Sends what is buffered now. */
  flush(): void {
    clearTimeout(this._timer);
    this._timer = undefined;
    const items = this._items;
    if (!items.length) return;
    const full = this._full;
    this._items = [];
    this._chars = 0;
    this._full = false;
    if (this._broken) return;
    this._lastSent = Date.now();
    const slices = splitJson(`[${items.join(',')}]`, this._maxDataBytes);
    for (let part = 0; part < slices.length; part++) {
      const frame: CobrowseEventsFrame = {
        type: 'cobrowse.events',
        conversationId: this._options.conversationId,
        stream: this._stream,
        seq: this._seq++,
        data: slices[part]!,
      };
      if (full) frame.full = true;
      if (slices.length > 1) {
        frame.part = part;
        frame.parts = slices.length;
      }
      if (!this._options.send(frame)) {
        // Anything after a lost frame would leave a hole; wait for a new stream instead.
        this._broken = true;
        return;
      }
    }
  }

  /** Begins a new stream from seq 0; events wait for the next Meta event (a full snapshot). */
  restart(): void {
    this.drop();
    this._stream = this._options.newStream();
    this._seq = 0;
    this._broken = false;
    this._waitingForMeta = true;
  }

  /** Forgets what is buffered (the recording stopped). */
  drop(): void {
    clearTimeout(this._timer);
    this._timer = undefined;
    this._items = [];
    this._chars = 0;
    this._full = false;
  }
}
