/**
 * How call events reach the hub and what they write: every event of one conversation's call
 * runs in order (`ctx.serial` with `callKey`), goes through `callTransition` in the hub, and the
 * effects it leaves on the conversation (timeline lines, taking it, the inbox) are written here.
 * Calls also end on their own (nobody answered in time: missed; a participant connection did not
 * come back: disconnected; the owner node went down) and meet connections saying `hello` (the
 * welcome lists the calls they are concerned with) or closing.
 */
import type { CallInfo } from '@parley/protocol';
import type { Conversation } from '../../storage/storage.js';
import { changeConversation } from '../conditional.js';
import type { CallContext } from './context.js';
import type { Session } from '../session.js';
import type { Call } from './call.js';
import type { CallEffect, CallEvent } from './call-transition.js';
import type { CallSpec } from './directory.js';
import type { CallTimerEvent, ConversationEffect } from './hub.js';

/** The `ctx.serial` key of a conversation's call changes. */
export function callKey(conversationId: string): string {
  return `call:${conversationId}`;
}

/**
 * Feeds one event to a call (`null`: none yet) and performs all its effects; a refused event
 * throws. Run it inside the call's `ctx.serial`. `session` is the acting connection.
 */
export async function runCall(ctx: CallContext, call: Call | null, event: CallEvent, session?: Session): Promise<Call> {
  const applied = ctx.calls.apply(call, event, session);
  await writeConversation(ctx, applied.call.state.conversationId, applied.effects);
  return applied.call;
}

/**
 * Performs a transition's effects on the conversation, in order (nothing when it is gone), after
 * those an unavailable store left waiting. While the store is unavailable the call goes on
 * without it: what is not written yet waits (`unwritten-lines.ts`) and the event succeeds.
 */
async function writeConversation(ctx: CallContext, conversationId: string, effects: readonly CallEffect[]): Promise<void> {
  const own = effects.filter((effect): effect is ConversationEffect => effect.type === 'line' || effect.type === 'take' || effect.type === 'announce');
  // Read once, when the first effect is written (undefined: not read yet; null: gone).
  let conversation: Conversation | null | undefined;
  await ctx.calls.unwritten.write(ctx.log, conversationId, own, async (effect, clientId) => {
    if (conversation === undefined) conversation = await ctx.storage.getConversation(conversationId);
    if (conversation === null) return;
    if (effect.type === 'line') await ctx.appendSystem(conversation, effect.text, clientId);
    else if (effect.type === 'take') await takeIfWaiting(ctx, conversationId, effect.agentId, effect.agentName, clientId);
    else {
      const fresh = await ctx.storage.getConversation(conversationId);
      if (fresh) ctx.announceActivity(fresh);
    }
  });
}

/** The store refused a call's effects on a conversation earlier: they are written now, in order with the call's events. */
export function callLinesOnRetry(ctx: CallContext, conversationId: string): void {
  ctx.serial(callKey(conversationId), () => writeConversation(ctx, conversationId, [])).catch((error: unknown) =>
    ctx.log.error('writing a call line failed', { conversationId, error }),
  );
}

/** Assigns a waiting conversation to the agent who answered its call, as taking it would (its line under `clientId`). */
async function takeIfWaiting(ctx: CallContext, conversationId: string, agentId: string, name: string, clientId: string): Promise<void> {
  await changeConversation(ctx, conversationId, async (current) => {
    if (current.assigneeId !== null) return;
    const updated = await ctx.storage.updateConversation(current.id, { assigneeId: agentId }, ctx.now(), { assigneeId: null });
    await ctx.appendSystem(updated, `${name} joined the conversation`, clientId);
    await ctx.announce((await ctx.storage.getConversation(updated.id)) ?? updated);
  });
}

/** A call's timer fired (`callRingMs`: missed; `callRejoinMs`: disconnected): the event runs in order. */
export function callTimerOnExpire(ctx: CallContext, call: Call, event: CallTimerEvent): void {
  const task = ctx.serial(callKey(call.state.conversationId), async () => {
    if (ctx.calls.get(call.id) !== call) return;
    await runCall(ctx, call, { type: event });
  });
  const what = event === 'ring-expired' ? 'missed call failed' : 'call rejoin expiry failed';
  task.catch((error: unknown) => ctx.log.error(what, { callId: call.id, error }));
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
    await ctx.serial(callKey(call.state.conversationId), async () => {
      if (ctx.calls.get(call.id) !== call) return;
      await runCall(ctx, call, { type: 'participant-left', connection: session.id });
    });
  }
}

/**
 * The node that owned a call went down: the call is over (every node told its connections so);
 * this node writes what the transition left on the conversation, as the owner would have after
 * `callRejoinMs`.
 */
export async function callOwnerLost(ctx: CallContext, spec: CallSpec, effects: readonly CallEffect[]): Promise<void> {
  try {
    await writeConversation(ctx, spec.state.conversationId, effects);
  } catch (error) {
    ctx.log.error('ending the call of a node that went down failed', { callId: spec.state.callId, error });
  }
}
