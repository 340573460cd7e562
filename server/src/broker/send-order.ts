/**
 * Keeps one connection's messages of one conversation in the order it sent them across a store
 * outage. A client sends what waits in its outbox together; when the store comes back in the
 * middle of such a burst, the first message can be refused (`unavailable`) and the second
 * stored, and the two would swap places on the timeline once the first is sent again.
 *
 * The rule, on the relay so that it holds for every client and for every burst (also the first
 * one of an outage, not only the resend after it): once a connection's message of a
 * conversation is refused because the store is unavailable, that connection's later messages of
 * the conversation are refused the same way (retryable, counted against no limit) until the
 * refused message itself is stored. Both outboxes resend every unacknowledged message, oldest
 * first, so the refused one comes back first and the rest follow it. Frames of one connection
 * are handled one at a time, so the refusal is known before the next message is looked at.
 *
 * Kept beside the session rather than in it: an idle connection pays nothing for it, and it
 * ends with the connection (a new connection's outbox starts its burst afresh, oldest first).
 */
import type { Session } from './session.js';

/** Per connection: the conversation as the client named it ('' for "pick mine") -> the client id refused there. */
const refusedFirst = new WeakMap<Session, Map<string, string>>();

/** The conversation as the sender named it: a visitor's message may name none and let the relay pick. */
export function orderKey(conversationId: string | undefined): string {
  return conversationId ?? '';
}

/**
 * The client id that must be stored before `clientId` may be, or undefined when nothing holds
 * this message back (nothing was refused there, or this is the refused message sent again).
 */
export function heldBackBy(session: Session, key: string, clientId: string): string | undefined {
  const first = refusedFirst.get(session)?.get(key);
  return first === undefined || first === clientId ? undefined : first;
}

/** Records that `clientId` was refused for an unavailable store; the first refusal in a conversation holds the rest back. */
export function noteRefused(session: Session, key: string, clientId: string): void {
  let refused = refusedFirst.get(session);
  if (!refused) refusedFirst.set(session, (refused = new Map()));
  if (!refused.has(key)) refused.set(key, clientId);
}

/**
 * Records that `clientId` got its answer: stored (or found stored already), or refused for a
 * reason of its own, after which the client no longer sends it as it was. What it held back may follow.
 */
export function noteSettled(session: Session, key: string, clientId: string): void {
  const refused = refusedFirst.get(session);
  if (refused?.get(key) !== clientId) return;
  refused.delete(key);
  if (refused.size === 0) refusedFirst.delete(session);
}
