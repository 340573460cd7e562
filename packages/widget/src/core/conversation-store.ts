/**
 * The messages the widget holds, per conversation, ordered by `seq`. The same message can arrive
 * twice (live fan-out, a resume replay, a resync, another tab's send); it is kept once. A hole in
 * the seqs means frames were missed, and `missingAfter` names where a resync must start.
 */
import type { Message } from '@parley/protocol';

interface Thread {
  bySeq: Map<number, Message>;
  /** Highest seq such that every seq from 1 to it is held. */
  contiguous: number;
  max: number;
}

/** Messages by conversation, deduplicated by id and seq. */
export class ConversationStore {
  private readonly _threads = new Map<string, Thread>();
  private readonly _ids = new Set<string>();

  /** Adds messages; returns those that were new, in seq order. */
  add(messages: readonly Message[]): Message[] {
    const added: Message[] = [];
    for (const message of messages) {
      if (this._ids.has(message.id)) continue;
      const thread = this._thread(message.conversationId);
      if (thread.bySeq.has(message.seq)) continue;
      thread.bySeq.set(message.seq, message);
      this._ids.add(message.id);
      thread.max = Math.max(thread.max, message.seq);
      while (thread.bySeq.has(thread.contiguous + 1)) thread.contiguous++;
      added.push(message);
    }
    return added.sort((a, b) => a.seq - b.seq);
  }

  /** The conversation's messages in seq order. */
  list(conversationId: string): Message[] {
    const thread = this._threads.get(conversationId);
    return thread ? [...thread.bySeq.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  /** True when the store has seen this conversation (even with no message yet). */
  has(conversationId: string): boolean {
    return this._threads.has(conversationId);
  }

  /** Marks a conversation as known, so an empty one is not fetched again. */
  touch(conversationId: string): void {
    this._thread(conversationId);
  }

  /** The last seq held without a hole before it: the resume point. */
  contiguous(conversationId: string): number {
    return this._threads.get(conversationId)?.contiguous ?? 0;
  }

  /** The highest seq held. */
  max(conversationId: string): number {
    return this._threads.get(conversationId)?.max ?? 0;
  }

  /** Where a resync must start when messages are missing (a hole, or `knownLast` beyond what is held); else null. */
  missingAfter(conversationId: string, knownLast = 0): number | null {
    const thread = this._threads.get(conversationId);
    const contiguous = thread?.contiguous ?? 0;
    const max = Math.max(thread?.max ?? 0, knownLast);
    return max > contiguous ? contiguous : null;
  }

  /** Forgets everything (shutdown, or another visitor took over). */
  clear(): void {
    this._threads.clear();
    this._ids.clear();
  }

  private _thread(conversationId: string): Thread {
    let thread = this._threads.get(conversationId);
    if (!thread) this._threads.set(conversationId, (thread = { bySeq: new Map(), contiguous: 0, max: 0 }));
    return thread;
  }
}
