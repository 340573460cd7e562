/**
 * How far the visitor has read each conversation, kept in the `state` slot so every tab shows
 * the same unread count and a reload does not bring read messages back as unread.
 */
import type { GatedStorage } from './gated-storage.js';

/** The `state` slot's content. */
interface StoredState {
  v: 1;
  read: Record<string, number>;
}

function parse(raw: string | null): Record<string, number> {
  try {
    const data = raw ? (JSON.parse(raw) as Partial<StoredState>) : null;
    if (!data || typeof data.read !== 'object' || data.read === null) return {};
    const out: Record<string, number> = {};
    for (const [id, seq] of Object.entries(data.read)) if (typeof seq === 'number') out[id] = seq;
    return out;
  } catch {
    return {};
  }
}

/** Read positions per conversation; only ever move forward. */
export class ReadState {
  private _read: Record<string, number>;

  constructor(private readonly _storage: GatedStorage) {
    this._read = parse(_storage.read('state'));
  }

  /** The highest seq read in a conversation. */
  get(conversationId: string): number {
    return this._read[conversationId] ?? 0;
  }

  /** Moves the read position forward; returns true when it moved. */
  advance(conversationId: string, seq: number): boolean {
    if (seq <= this.get(conversationId)) return false;
    // Another tab may have read other conversations since; keep the furthest of both.
    this.merge(this._storage.read('state'));
    this._read = { ...this._read, [conversationId]: seq };
    this.persist();
    return true;
  }

  /** Takes another tab's positions, keeping whichever is further. Returns true when any moved. */
  merge(raw: string | null): boolean {
    let moved = false;
    for (const [id, seq] of Object.entries(parse(raw))) if (this.raise(id, seq)) moved = true;
    return moved;
  }

  /**
   * Takes a position learnt elsewhere (another tab, the relay) if it is further. Memory only:
   * the source already keeps it. Returns true when it moved.
   */
  raise(conversationId: string, seq: number): boolean {
    if (seq <= this.get(conversationId)) return false;
    this._read[conversationId] = seq;
    return true;
  }

  /** Writes the positions to the `state` slot. */
  persist(): void {
    this._storage.write('state', JSON.stringify({ v: 1, read: this._read } satisfies StoredState));
  }
}
