/**
 * What calls left on a conversation (timeline lines, taking it, the inbox) that the store could
 * not take when it happened, kept in order until it can.
 *
 * A call needs no store: its state lives on its owner node and its media go peer to peer. So
 * while the database is unreachable a call still rings, is answered and ends as the people in it
 * decide; refusing the answer would leave the visitor ringing for an agent who picked up. What
 * the call says on the timeline waits here instead and is written once the store is back, first
 * of all (before whatever the call does next), so the timeline keeps the order of events.
 * Memory only: a node that dies meanwhile loses these lines, never a chat message.
 */
import { STORE_RETRY_AFTER_S } from '../../storage/store-unavailable.js';
import type { ConversationEffect } from './hub.js';

/** The first retry waits this long; each failed retry doubles it, up to the store's `Retry-After`. */
export const FIRST_RETRY_MS = 250;

interface Waiting {
  effects: ConversationEffect[];
  failures: number;
  timer: NodeJS.Timeout;
}

/** The effects still to write, by conversation, oldest first. */
export class UnwrittenLines {
  private readonly waiting = new Map<string, Waiting>();
  /** Called when a conversation's effects are due to be written again (see `lifecycle.ts`). */
  onRetry: ((conversationId: string) => void) | null = null;

  /** Number of conversations with effects waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * Takes the effects waiting for a conversation, to be written before any newer one, and how
   * many times writing them failed; nothing waits for it any more until `defer` is called again.
   */
  take(conversationId: string): { effects: ConversationEffect[]; failures: number } {
    const waiting = this.waiting.get(conversationId);
    if (waiting === undefined) return { effects: [], failures: 0 };
    clearTimeout(waiting.timer);
    this.waiting.delete(conversationId);
    return { effects: waiting.effects, failures: waiting.failures };
  }

  /** Keeps `effects` (oldest first) for a conversation whose store refused them for the `failures`-th time, and retries later. */
  defer(conversationId: string, effects: ConversationEffect[], failures: number): void {
    this.take(conversationId);
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
