/**
 * What a live capability (a call, a co-browse session) left on a conversation's timeline that
 * the store could not take when it happened, kept in order until it can.
 *
 * Calls and co-browse need no store: their state lives on their owner node. So while the
 * database is unreachable a call still rings, is answered and ends, and a visitor still allows or
 * stops sharing, as the people in them decide; refusing the change would leave one side ringing
 * or sharing while the other was told it failed. What they say on the timeline waits here instead
 * and is written once the store is back, first of all (before whatever they do next), so the
 * timeline keeps the order of events. Memory only: a node that dies meanwhile loses these lines,
 * never a chat message.
 *
 * Each line gets its client id once, when it first comes to be written, and keeps it on every
 * try: a commit that went through but reported failure (a connection cut mid-commit) is
 * deduplicated by the store on author + client id when it is tried again, never written twice.
 */
import type { Logger } from '../log.js';
import { STORE_RETRY_AFTER_S, isStoreUnavailable } from '../storage/store-unavailable.js';
import { systemClientId } from './message-id.js';

/** The first retry waits this long; each failed retry doubles it, up to the store's `Retry-After`. */
export const FIRST_RETRY_MS = 250;

/** An effect on the conversation still to write, with the client id its line is stored under on every try. */
export interface Unwritten<T> {
  readonly effect: T;
  readonly clientId: string;
}

/** Writes one effect, its line (if any) under `clientId`; a store that cannot be used throws as `isStoreUnavailable` recognises. */
export type WriteEffect<T> = (effect: T, clientId: string) => Promise<void>;

interface Waiting<T> {
  effects: Unwritten<T>[];
  failures: number;
  timer: NodeJS.Timeout;
}

/** The effects still to write, by conversation, oldest first. */
export class UnwrittenLines<T> {
  private readonly waiting = new Map<string, Waiting<T>>();
  /** Called when a conversation's effects are due to be written again (in order with the capability's events). */
  onRetry: ((conversationId: string) => void) | null = null;

  /** @param what whose lines these are, for the log ("call", "co-browse"). */
  constructor(private readonly what: string) {}

  /** Number of conversations with effects waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * Writes `effects` (oldest first) on a conversation, after those waiting for it, in order. When
   * the store cannot be used, what is not written yet waits and is retried later (`onRetry`), and
   * this resolves: the capability's change stands. Any other failure rejects, and what was not
   * written is dropped. Run it in the capability's order for the conversation (`ctx.serial`).
   */
  async write(log: Logger, conversationId: string, effects: readonly T[], writeOne: WriteEffect<T>): Promise<void> {
    const earlier = this.take(conversationId);
    const all = [...earlier.effects, ...effects.map((effect) => ({ effect, clientId: systemClientId() }))];
    let written = 0;
    try {
      for (const { effect, clientId } of all) {
        await writeOne(effect, clientId);
        written++;
      }
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      const waiting = all.slice(written);
      if (earlier.failures === 0) log.info(`${this.what} lines wait for the store`, { conversationId, waiting: waiting.length, reason: error instanceof Error ? error.message : String(error) });
      this.defer(conversationId, waiting, earlier.failures + 1);
    }
  }

  /**
   * Takes the effects waiting for a conversation, to be written before any newer one, and how
   * many times writing them failed; nothing waits for it any more until `defer` is called again.
   */
  take(conversationId: string): { effects: Unwritten<T>[]; failures: number } {
    const waiting = this.waiting.get(conversationId);
    if (waiting === undefined) return { effects: [], failures: 0 };
    clearTimeout(waiting.timer);
    this.waiting.delete(conversationId);
    return { effects: waiting.effects, failures: waiting.failures };
  }

  /** Keeps `effects` (oldest first) for a conversation whose store refused them for the `failures`-th time, and retries later. */
  defer(conversationId: string, effects: Unwritten<T>[], failures: number): void {
    this.take(conversationId);
    if (effects.length === 0) return;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), STORE_RETRY_AFTER_S * 1000);
    const timer = setTimeout(() => this.onRetry?.(conversationId), delay);
    timer.unref();
    this.waiting.set(conversationId, { effects, failures, timer });
  }

  /** Stops every retry (the relay is shutting down). */
  close(): void {
    for (const waiting of this.waiting.values()) clearTimeout(waiting.timer);
    this.waiting.clear();
  }
}
