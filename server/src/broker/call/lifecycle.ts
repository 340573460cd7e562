/**
 * How calls end on their own and how connections meet them: a call nobody answered in time
 * (missed), a participant connection that did not come back (disconnected), a connection saying
 * `hello` (its welcome lists the calls it is concerned with) or closing. Every change of one
 * conversation's call runs in order (`ctx.serial` with `callKey`), and ending one writes its
 * line on the timeline.
 */
import type { CallInfo, CallParty } from '@parley/protocol';
import type { Conversation } from '../../storage/storage.js';
import type { CallContext } from './context.js';
import type { Session } from '../session.js';
import type { Call } from './call.js';
import type { CallSpec } from './directory.js';
import { CALL_TEXT, endText } from './messages.js';

/** The `ctx.serial` key of a conversation's call changes. */
export function callKey(conversationId: string): string {
  return `call:${conversationId}`;
}

/** Writes a call line on the timeline and puts it in the agents' inbox. */
export async function callTimeline(ctx: CallContext, conversation: Conversation, text: string): Promise<void> {
  await ctx.appendSystem(conversation, text);
  const fresh = await ctx.storage.getConversation(conversation.id);
  if (fresh) await ctx.announceActivity(fresh);
}

/**
 * Ends a call for everyone concerned and writes how it ended. `agentName` names who declined
 * (for `declined` only).
 */
export async function finishCall(
  ctx: CallContext,
  call: Call,
  reason: NonNullable<Call['endReason']>,
  by: CallParty | null,
  agentName = 'An agent',
): Promise<void> {
  const now = ctx.now();
  ctx.calls.end(call, reason, by, now);
  ctx.calls.deliver(call);
  const conversation = await ctx.storage.getConversation(call.conversationId);
  if (!conversation) return;
  const text = reason === 'declined' ? CALL_TEXT.declined(by ?? 'agent', agentName) : endText(reason, now - (call.answeredAt ?? now));
  await callTimeline(ctx, conversation, text);
}

/** Nobody answered within `callRingMs`: the call ends `missed` for everyone. */
export function ringTimerOnExpire(ctx: CallContext, call: Call): void {
  const task = ctx.serial(callKey(call.conversationId), async () => {
    if (ctx.calls.get(call.id) !== call || call.phase !== 'ringing') return;
    await finishCall(ctx, call, 'missed', null);
  });
  task.catch((error: unknown) => ctx.log.error('missed call failed', { callId: call.id, error }));
}

/** A participant connection did not come back within `callRejoinMs`: the call ends `disconnected`. */
function rejoinTimerOnExpire(ctx: CallContext, call: Call): void {
  const task = ctx.serial(callKey(call.conversationId), async () => {
    if (ctx.calls.get(call.id) !== call || call.lost.size === 0) return;
    await finishCall(ctx, call, 'disconnected', null);
  });
  task.catch((error: unknown) => ctx.log.error('call rejoin expiry failed', { callId: call.id, error }));
}

/**
 * A connection said `hello`: the calls for its welcome. A visitor's: its conversations' calls;
 * an agent's: calls ringing for it or that it is in. A reconnecting participant finds its call
 * there (not as a participant: it may end it).
 */
export function callsOnHello(ctx: CallContext, session: Session): CallInfo[] {
  const calls = session.role === 'visitor' ? ctx.calls.ofVisitor(session.subjectId) : ctx.calls.ofAgent(session);
  return calls.map((call) => call.info(false));
}

/** A connection closed: each call it was a participant of waits `callRejoinMs` for that side. */
export async function callOnLeave(ctx: CallContext, session: Session): Promise<void> {
  for (const call of ctx.calls.ofSession(session)) {
    await ctx.serial(callKey(call.conversationId), async () => {
      if (ctx.calls.get(call.id) !== call) return;
      ctx.calls.lose(call, session, () => rejoinTimerOnExpire(ctx, call));
    });
  }
}

/**
 * The node that owned a call went down: the call is over (every node told its connections so);
 * this node writes the line on the timeline, as the owner would have after `callRejoinMs`.
 */
export async function callOwnerLost(ctx: CallContext, spec: CallSpec): Promise<void> {
  try {
    const conversation = await ctx.storage.getConversation(spec.info.conversationId);
    if (conversation) await callTimeline(ctx, conversation, CALL_TEXT.disconnected);
  } catch (error) {
    ctx.log.error('ending the call of a node that went down failed', { callId: spec.info.callId, error });
  }
}
