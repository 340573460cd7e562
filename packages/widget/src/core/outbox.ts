/**
 * The outbox: messages the visitor sent that the relay has not acknowledged yet. Each carries a
 * client id (nanoid) so a resend is the same message, never a second one. The list is kept in
 * storage (once writes are allowed) so it survives a reload, and every tab sees the others'
 * entries through `storage` events.
 */
import { nanoid } from 'nanoid';
import type { GatedStorage } from './gated-storage.js';

/** One unacknowledged message. */
export interface OutboxEntry {
  clientId: string;
  text: string;
  /** The conversation the visitor was looking at; absent lets the relay pick (or start) one. */
  conversationId?: string;
  /** When the visitor sent it, in milliseconds since the epoch; orders the outbox. */
  at: number;
}

/** What the visitor sees for an unacknowledged message. */
export type OutboxStatus = 'sending' | 'failed';

/** Most entries kept: a bound on what a stuck page can pile into storage. */
export const OUTBOX_LIMIT = 100;

/**
 * How long after its `refusals`-th refusal "for now" in a row an entry goes again: at once for
 * the first three (a short outage ends unnoticed), then doubling from 5 s up to a minute, so a
 * message the relay keeps refusing never hammers it.
 */
export function retryDelayMs(refusals: number): number {
  return refusals <= 3 ? 0 : Math.min(60_000, 2_500 * 2 ** (refusals - 3));
}

function parseEntries(raw: string | null): OutboxEntry[] {
  if (!raw) return [];
  try {
    const data: unknown = JSON.parse(raw);
    if (!Array.isArray(data)) return [];
    return data.filter(
      (e): e is OutboxEntry =>
        typeof e === 'object' && e !== null &&
        typeof e.clientId === 'string' && typeof e.text === 'string' && typeof e.at === 'number' &&
        (e.conversationId === undefined || typeof e.conversationId === 'string'),
    );
  } catch {
    return [];
  }
}

/** Unacknowledged messages, persisted and shared between tabs. */
export class Outbox {
  private _entries: OutboxEntry[];
  /** When each entry was last handed to the socket on the current connection. */
  private readonly _sentAt = new Map<string, number>();
  private readonly _failed = new Set<string>();
  /** Acked ids, so a late write from another tab cannot bring an entry back. */
  private readonly _acked = new Set<string>();
  /** Refusals "for now" in a row of each entry, and when it may go again. */
  private readonly _refusals = new Map<string, number>();
  private readonly _notBefore = new Map<string, number>();

  constructor(
    private readonly _storage: GatedStorage,
    private readonly _onChange: () => void = () => undefined,
  ) {
    this._entries = parseEntries(_storage.read('outbox'));
  }

  /** The entries, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this._entries;
  }

  /** True when `clientId` is waiting for its ack. */
  has(clientId: string): boolean {
    return this._entries.some((e) => e.clientId === clientId);
  }

  /** The status to show for an entry. */
  status(clientId: string): OutboxStatus {
    return this._failed.has(clientId) ? 'failed' : 'sending';
  }

  /** Adds a new message with a fresh client id; persists it before anyone can lose it. */
  add(text: string, conversationId?: string, now = Date.now()): OutboxEntry {
    const entry: OutboxEntry = { clientId: nanoid(), text, at: now };
    if (conversationId) entry.conversationId = conversationId;
    this._update((list) => [...list, entry].slice(-OUTBOX_LIMIT));
    return entry;
  }

  /** Removes an acknowledged entry; returns it, or undefined when it was not here (a duplicate ack). */
  ack(clientId: string): OutboxEntry | undefined {
    const entry = this._entries.find((e) => e.clientId === clientId);
    this._acked.add(clientId);
    this._sentAt.delete(clientId);
    this._failed.delete(clientId);
    this._refusals.delete(clientId);
    this._notBefore.delete(clientId);
    if (entry || this._storedHas(clientId)) this._update((list) => list.filter((e) => e.clientId !== clientId));
    return entry;
  }

  /**
   * Entries to hand to the socket now: not yet sent on this connection, or unacked past
   * `timeoutMs`, and not waiting out a refusal's delay.
   */
  due(now: number, timeoutMs: number): OutboxEntry[] {
    return this._entries.filter((e) => {
      if ((this._notBefore.get(e.clientId) ?? 0) > now) return false;
      const sent = this._sentAt.get(e.clientId);
      return sent === undefined || now - sent >= timeoutMs;
    });
  }

  /** Records that an entry went out; a resend after a timeout shows it as failed-retrying. */
  markSent(clientId: string, now = Date.now()): void {
    if (this._sentAt.has(clientId)) this._failed.add(clientId);
    this._sentAt.set(clientId, now);
    this._onChange();
  }

  /** Shows an entry as failed (refused, or the link went down); it stays for the next retry. */
  markFailed(clientId: string): void {
    if (!this.has(clientId)) return;
    this._failed.add(clientId);
    this._onChange();
  }

  /**
   * The relay refused the entry for now (its database unreachable, say): it shows as
   * failed-retrying and is due again at the next flush rather than after a whole ack timeout,
   * or later once it was refused several times in a row (`retryDelayMs`).
   */
  retrySoon(clientId: string, now = Date.now()): void {
    if (!this.has(clientId)) return;
    const refusals = (this._refusals.get(clientId) ?? 0) + 1;
    this._refusals.set(clientId, refusals);
    const delay = retryDelayMs(refusals);
    if (delay > 0) this._notBefore.set(clientId, now + delay);
    else this._notBefore.delete(clientId);
    this._sentAt.delete(clientId);
    this.markFailed(clientId);
  }

  /** The connection ended: everything unacked must go again on the next one, and shows as failed. */
  connectionLost(): void {
    for (const e of this._entries) this._failed.add(e.clientId);
    this._sentAt.clear();
    this._onChange();
  }

  /** The relay refused the entry's conversation (another visitor's now): let it pick one instead. */
  retarget(clientId: string): void {
    const entry = this._entries.find((e) => e.clientId === clientId);
    if (!entry?.conversationId) return;
    this._update((list) => list.map((e) => (e.clientId === clientId ? { clientId, text: e.text, at: e.at } : e)));
  }

  /** A new connection starts: every entry goes out again on it, at once. */
  connectionStarted(): void {
    this._sentAt.clear();
    this._refusals.clear();
    this._notBefore.clear();
  }

  /**
   * Takes another tab's version of the outbox. Entries new to us count as just sent (their own
   * tab is sending them); we resend them only if no ack shows up in time, e.g. that tab closed.
   */
  reload(raw: string | null, now = Date.now()): void {
    const known = new Set(this._entries.map((e) => e.clientId));
    this._entries = parseEntries(raw).filter((e) => !this._acked.has(e.clientId));
    for (const e of this._entries) if (!known.has(e.clientId)) this._sentAt.set(e.clientId, now);
    this._onChange();
  }

  /** Writes the current entries (after writes were allowed, the memory copy reaches storage). */
  persist(): void {
    this._storage.write('outbox', this._entries.length ? JSON.stringify(this._entries) : null);
  }

  private _storedHas(clientId: string): boolean {
    return parseEntries(this._storage.read('outbox')).some((e) => e.clientId === clientId);
  }

  /**
   * Read-modify-write against storage, so entries another tab added since we last looked are
   * kept rather than overwritten by our copy.
   */
  private _update(change: (list: OutboxEntry[]) => OutboxEntry[]): void {
    const stored = parseEntries(this._storage.read('outbox'));
    const byId = new Map<string, OutboxEntry>();
    for (const e of [...stored, ...this._entries]) if (!this._acked.has(e.clientId)) byId.set(e.clientId, e);
    this._entries = change([...byId.values()].sort((a, b) => a.at - b.at));
    this.persist();
    this._onChange();
  }
}
