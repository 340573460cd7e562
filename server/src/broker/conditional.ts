/**
 * Read-check-write on a conversation that holds however many relay nodes write at once. The
 * check (status, assignee) travels with the write as its `expect`, so the store refuses the write
 * when another node changed the conversation since it was read; the change is then worked out
 * again from a fresh read. No lock of one process is involved.
 */
import { ParleyError } from '@parley/protocol';
import { isStorageError } from '../storage/storage-error.js';
import type { Conversation } from '../storage/storage.js';
import type { BrokerContext } from './context.js';

/** Reads of the conversation before giving up: each conflict means another writer made progress. */
const MOST_ATTEMPTS = 4;

/**
 * Runs `attempt` on the stored conversation; when its conditional write is refused (`conflict`),
 * reads the conversation again and runs `attempt` once more. `attempt` must only write through
 * `updateConversation` with an `expect` of what it read, before anything else it does (lines on
 * the timeline, announcements), so that a refused attempt leaves no trace. After too many
 * conflicts, or one that a fresh read cannot explain (nothing changed: the write would give the
 * visitor a second open conversation), the caller gets `conflict`.
 */
export async function changeConversation<T>(
  ctx: BrokerContext,
  conversationId: string,
  attempt: (current: Conversation) => Promise<T>,
): Promise<T> {
  let refused: Conversation | null = null;
  for (let tries = 1; ; tries++) {
    const current = await ctx.storage.getConversation(conversationId);
    if (!current) throw new ParleyError('not_found', 'No such conversation.');
    // Refused although nothing changed: not a race but a rule (the visitor's other open conversation).
    if (refused && sameState(refused, current)) {
      throw new ParleyError('conflict', 'The visitor already has another open conversation; continue there.');
    }
    try {
      return await attempt(current);
    } catch (error) {
      if (!isStorageError(error, 'conflict')) throw error;
      if (tries >= MOST_ATTEMPTS) throw new ParleyError('conflict', 'The conversation kept changing at the same moment; look again and retry.');
      refused = current;
    }
  }
}

function sameState(a: Conversation, b: Conversation): boolean {
  return a.status === b.status && a.assigneeId === b.assigneeId && a.updatedAt === b.updatedAt && a.lastSeq === b.lastSeq;
}
