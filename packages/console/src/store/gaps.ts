/**
 * Gap detection: a message whose seq skips past what the console holds means frames were missed
 * (a relay node's signal lost, a race at reconnect). The console then asks for the missing range
 * with `chat.sync`; the reply is merged by seq, so asking twice is harmless.
 */
import type { ChatSyncFrame, ServerFrame } from '@parley/protocol';
import { lastLoadedSeq } from './selectors.js';
import type { ConsoleState } from './state.js';

/**
 * The `chat.sync` frame needed after `frame` arrives in `state` (the state BEFORE the frame is
 * applied), or null when nothing is missing.
 */
export function syncNeeded(state: ConsoleState, frame: ServerFrame): ChatSyncFrame | null {
  switch (frame.type) {
    case 'chat.message':
    case 'chat.ack': {
      const conversationId = frame.type === 'chat.ack' ? frame.conversationId : frame.message.conversationId;
      const seq = frame.type === 'chat.ack' ? frame.seq : frame.message.seq;
      // Only conversations whose history the console holds can have a gap.
      if (!state.messages[conversationId]) return null;
      const last = lastLoadedSeq(state, conversationId);
      return seq > last + 1 ? ({ type: 'chat.sync', conversationId, afterSeq: last } satisfies ChatSyncFrame) : null;
    }
    case 'chat.messages': {
      if (frame.complete || frame.messages.length === 0) return null;
      const afterSeq = Math.max(...frame.messages.map((m) => m.seq));
      return { type: 'chat.sync', conversationId: frame.conversationId, afterSeq } satisfies ChatSyncFrame;
    }
    default:
      return null;
  }
}

/**
 * True when the conversation's summary says it has messages beyond those held: the caller waits
 * briefly for them to arrive and syncs if they do not.
 */
export function behindSummary(state: ConsoleState, conversationId: string): boolean {
  const c = state.conversations[conversationId];
  if (!c || !state.messages[conversationId]) return false;
  return c.lastSeq > lastLoadedSeq(state, conversationId);
}
