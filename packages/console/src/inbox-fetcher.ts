/**
 * Asks the relay for the whole summaries of conversations an `inbox.activity` named that the
 * console does not hold (activity carries only what a message moves, which is no inbox row on
 * its own). Each id is asked for once per connection: while it is not answered, and also after
 * an answer left it out (the agent may not see it), so a busy conversation the agent cannot see
 * never costs a frame per announcement window. A new connection starts afresh.
 */
import { MAX_INBOX_FETCH, type InboxActivityFrame, type InboxFetchFrame, type InboxUpdatesFrame } from '@parley/protocol';
import type { ConsoleState } from './store/state.js';

/** The `inbox.fetch` bookkeeping of one connection. */
export class InboxFetcher {
  private readonly send: (frame: InboxFetchFrame) => boolean;
  /**
   * Ids asked for on this connection that no `inbox.updates` brought: not answered yet, or left
   * out of the answer. Either way they are not asked for again, so which of the two an id is
   * never matters, and no answer has to be paired with its request (an `inbox.updates` sent
   * after a relay node was cut off would make that pairing guesswork).
   */
  private readonly asked = new Set<string>();

  /** `send` returns false when the frame could not go out (not connected). */
  constructor(send: (frame: InboxFetchFrame) => boolean) {
    this.send = send;
  }

  /** How many ids were asked for on this connection and not brought (left out, or not answered yet). */
  get unanswered(): number {
    return this.asked.size;
  }

  /** A new connection (welcome): nothing asked on the last one will be answered, and what was left out may not be now. */
  reset(): void {
    this.asked.clear();
  }

  /** Asks for the conversations `frame` named that `state` (after the frame) does not hold. */
  afterActivity(state: ConsoleState, frame: InboxActivityFrame): void {
    const missing: string[] = [];
    for (const { id } of frame.conversations) {
      if (state.conversations[id] || this.asked.has(id)) continue;
      this.asked.add(id);
      missing.push(id);
    }
    for (let i = 0; i < missing.length; i += MAX_INBOX_FETCH) {
      const conversationIds = missing.slice(i, i + MAX_INBOX_FETCH);
      if (this.send({ type: 'inbox.fetch', conversationIds } satisfies InboxFetchFrame)) continue;
      // Not sent: the next activity that names them asks again.
      for (const id of conversationIds) this.asked.delete(id);
    }
  }

  /** Forgets the ids `frame` brought: the state holds them now, so they are never asked for again. */
  afterUpdates(frame: InboxUpdatesFrame): void {
    if (this.asked.size === 0) return;
    for (const { id } of frame.conversations) this.asked.delete(id);
  }
}
