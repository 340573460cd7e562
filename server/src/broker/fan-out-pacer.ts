/**
 * Writes large fan-outs a slice per turn of the event loop. A window of inbox activity goes to
 * every agent connection of a site at once: at 2,000 messages a second over 5,000 conversations
 * that is about 75 KiB to each of 50 agents every 200 ms, 3.7 MB of socket writes in one turn,
 * and every chat message that arrives meanwhile waits behind all of it. Paced, one turn writes
 * about `bytesPerTurn`, then the event loop reads and routes what arrived before the next slice.
 *
 * Only envelopes marked `paced` come here: their frames may reach a connection after frames
 * published later (the console merges inbox activity by seq, so a late one rolls nothing back).
 * Among themselves they stay in order: frames leave first in, first out, and one frame's
 * recipients in the order given.
 *
 * The frame is encoded to UTF-8 once and the same bytes go to every recipient. A backlog past
 * `maxBacklogBytes` (a relay that cannot keep up) is written in the next turn down to that
 * bound, so pacing never holds more than it in memory for long.
 */
import type { Session } from './session.js';

/** Bytes written per turn of the event loop; at least one recipient's frame is written per turn. */
export const PACED_BYTES_PER_TURN = 64 * 1024;
/** Bytes the pacer may hold back; what is past it leaves in the next turn. */
export const PACED_MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/** One frame still to be written to some of its recipients. */
interface PacedFrame {
  readonly text: string;
  readonly bytes: Buffer;
  readonly sessions: readonly Session[];
  /** Index of the next recipient to write to. */
  next: number;
}

/** Paces large fan-outs of frames that may arrive late. */
export class FanOutPacer {
  readonly #bytesPerTurn: number;
  readonly #maxBacklogBytes: number;
  #queue: PacedFrame[] = [];
  /** Bytes still to be written, over every frame waiting. */
  #backlog = 0;
  #turn: NodeJS.Immediate | null = null;

  constructor(bytesPerTurn = PACED_BYTES_PER_TURN, maxBacklogBytes = PACED_MAX_BACKLOG_BYTES) {
    this.#bytesPerTurn = bytesPerTurn;
    this.#maxBacklogBytes = maxBacklogBytes;
  }

  /** Bytes waiting to be written. */
  get backlog(): number {
    return this.#backlog;
  }

  /**
   * Sends `text` to `sessions`: at once when it all fits in one turn's slice and nothing waits
   * before it, else a slice per turn from the next one on.
   */
  send(sessions: readonly Session[], text: string): void {
    if (sessions.length === 0) return;
    const bytes = Buffer.from(text);
    const total = bytes.length * sessions.length;
    if (this.#queue.length === 0 && total <= this.#bytesPerTurn) {
      for (const session of sessions) session.sendText(text, bytes);
      return;
    }
    this.#queue.push({ text, bytes, sessions, next: 0 });
    this.#backlog += total;
    this.#turn ??= setImmediate(pacerOnTurn, this);
  }

  /** Writes one turn's slice; schedules the next turn while anything waits. */
  writeSlice(): void {
    this.#turn = null;
    let budget = Math.max(this.#bytesPerTurn, this.#backlog - this.#maxBacklogBytes);
    while (budget > 0 && this.#queue.length > 0) {
      const frame = this.#queue[0]!;
      const session = frame.sessions[frame.next++]!;
      session.sendText(frame.text, frame.bytes);
      budget -= frame.bytes.length;
      this.#backlog -= frame.bytes.length;
      if (frame.next === frame.sessions.length) this.#queue.shift();
    }
    if (this.#queue.length > 0) this.#turn = setImmediate(pacerOnTurn, this);
  }

  /** Drops what waits (the relay is closing). */
  close(): void {
    if (this.#turn) clearImmediate(this.#turn);
    this.#turn = null;
    this.#queue = [];
    this.#backlog = 0;
  }
}

function pacerOnTurn(pacer: FanOutPacer): void {
  pacer.writeSlice();
}
