/**
 * Call frames: either side starts a call (`call.start`), the ringing side answers
 * (`call.accept`) or refuses (`call.decline`), the participants exchange WebRTC signalling
 * (`call.signal`), report that media connected (`call.connected`) and end it (`call.end`).
 *
 * Who may do what is decided per connection. A visitor rings only the conversation's assignee,
 * or every agent serving its site while it waits in the queue; an agent rings the visitor's tabs. Only a ringing
 * connection answers. Signalling goes only from one participant connection to the other: from
 * anyone else it is refused with `call_not_found` and nothing is forwarded.
 */
import {
  ParleyError,
  type CallAnswerFrame,
  type CallConnectedFrame,
  type CallEndFrame,
  type CallEndReason,
  type CallParty,
  type CallSignalFrame,
  type CallStartFrame,
  type ServerFrame,
} from '@parley/protocol';
import { changeConversation } from '../conditional.js';
import type { CallContext } from './context.js';
import { agentsServing, servesSite } from '../access.js';
import type { Session } from '../session.js';
import type { Call } from './call.js';
import { stateFrame } from './hub.js';
import { callKey, callTimeline, finishCall, ringTimerOnExpire } from './lifecycle.js';
import { CALL_TEXT } from './messages.js';
import { reopenForVisitor } from './reopen.js';

async function agentName(ctx: CallContext, agentId: string): Promise<string> {
  return (await ctx.agent(agentId))?.name ?? 'An agent';
}

/** A call not ended that the session may see (a visitor only its own conversations' calls); `call_not_found` otherwise. */
async function requireCall(ctx: CallContext, session: Session, callId: string): Promise<Call> {
  const call = ctx.calls.get(callId);
  if (call === undefined) throw new ParleyError('call_not_found');
  // The conversation is read fresh: an identity merge may have moved it to another visitor.
  const conversation = await ctx.storage.getConversation(call.conversationId);
  if (conversation) call.visitorId = conversation.visitorId;
  if (session.role === 'visitor' && session.subjectId !== call.visitorId) throw new ParleyError('call_not_found');
  // Another site's call does not exist for this agent, as its conversation is not theirs.
  if (session.role === 'agent' && !servesSite(session, call.siteId)) throw new ParleyError('call_not_found');
  return call;
}

/** Runs a change of `call` after the earlier ones; refused when the call ended meanwhile. */
function serialCall(ctx: CallContext, call: Call, task: () => Promise<void>): Promise<void> {
  return ctx.serial(callKey(call.conversationId), async () => {
    if (ctx.calls.get(call.id) !== call) throw new ParleyError('call_not_found');
    await task();
  });
}

/**
 * `call.start`: one call per conversation (`call_busy`). A visitor's call rings the assignee, or
 * every agent while the conversation waits (a resolved one is reopened, as a message would); an
 * agent's rings every tab of the visitor. The caller's connection is a participant at once.
 */
export async function callStart(ctx: CallContext, session: Session, frame: CallStartFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  await ctx.serial(callKey(conversation.id), async () => {
    const existing = ctx.calls.ofConversation(conversation.id) ?? ctx.calls.get(frame.callId);
    if (existing !== undefined) {
      // A retried start from the caller's own connection: the call as it is.
      if (existing.id === frame.callId && existing.sideOf(session) !== null) return session.send(stateFrame(existing.info(true)));
      throw new ParleyError('call_busy');
    }
    let current = (await ctx.storage.getConversation(conversation.id)) ?? conversation;
    const caller: CallParty = session.role;
    let agentId: string | null = null;
    let name = '';
    if (caller === 'agent') {
      if (current.status !== 'open') throw new ParleyError('forbidden', 'Reopen the conversation to call the visitor.');
      agentId = session.subjectId;
      name = await agentName(ctx, agentId);
    } else {
      if (current.status === 'resolved') current = await reopenForVisitor(ctx, current);
      agentId = current.assigneeId;
      if (agentId !== null) name = await agentName(ctx, agentId);
    }
    const call = ctx.calls.start(
      { callId: frame.callId, conversationId: current.id, siteId: current.siteId, visitorId: current.visitorId, caller, agentId, agentName: agentId === null ? null : name, startedAt: ctx.now() },
      session,
      () => ringTimerOnExpire(ctx, call),
    );
    ctx.calls.deliver(call);
    await callTimeline(ctx, current, CALL_TEXT.started(caller, name));
  });
}

/**
 * `call.accept`: the first ringing connection to answer becomes the other participant (an agent
 * answering a waiting conversation's call takes the conversation). Both participants get the ICE
 * servers and `connecting`; every other ringing connection stops ringing.
 */
export async function callAccept(ctx: CallContext, session: Session, frame: CallAnswerFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, async () => {
    if (call.phase !== 'ringing' && call.sideOf(session) !== null) return session.send(stateFrame(call.info(true)));
    if (!call.ringsFor(session)) throw new ParleyError('call_not_found', 'This call is not ringing for this connection.');
    const side: CallParty = call.caller === 'visitor' ? 'agent' : 'visitor';
    let name = call.agentName ?? 'An agent';
    if (side === 'agent') {
      name = await agentName(ctx, session.subjectId);
      call.agentId = session.subjectId;
      call.agentName = name;
    }
    ctx.calls.join(call, side, session);
    ctx.calls.answered(call, ctx.now());
    ctx.calls.sendIce(call);
    ctx.calls.deliver(call);

    const conversation = await ctx.storage.getConversation(call.conversationId);
    if (!conversation) return;
    await ctx.appendSystem(conversation, CALL_TEXT.answered(side, name));
    if (side === 'agent') await takeIfWaiting(ctx, conversation.id, session.subjectId, name);
    const fresh = await ctx.storage.getConversation(conversation.id);
    if (fresh) await ctx.announceActivity(fresh);
  });
}

/** Assigns a waiting conversation to the agent who answered its call, as taking it would. */
async function takeIfWaiting(ctx: CallContext, conversationId: string, agentId: string, name: string): Promise<void> {
  await changeConversation(ctx, conversationId, async (current) => {
    if (current.assigneeId !== null) return;
    const updated = await ctx.storage.updateConversation(current.id, { assigneeId: agentId }, ctx.now(), { assigneeId: null });
    await ctx.appendSystem(updated, `${name} joined the conversation`);
    await ctx.announce((await ctx.storage.getConversation(updated.id)) ?? updated);
  });
}

/**
 * `call.decline`: the visitor declining an agent's call ends it. An agent declining a visitor's
 * call stops it ringing for that agent (its connections see it ended for them); once every agent
 * it rang for declined, it ends `declined`.
 */
export async function callDecline(ctx: CallContext, session: Session, frame: CallAnswerFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, () => decline(ctx, session, call));
}

async function decline(ctx: CallContext, session: Session, call: Call): Promise<void> {
  if (!call.ringsFor(session)) throw new ParleyError('call_not_found', 'This call is not ringing for this connection.');
  if (session.role === 'visitor') return finishCall(ctx, call, 'declined', 'visitor');
  const name = await agentName(ctx, session.subjectId);
  call.declined.add(session.subjectId);
  // Every agent it rings, on any node.
  const targets =
    call.ringAgentId !== null
      ? [call.ringAgentId]
      : [...ctx.presence.agentsElsewhere(call.siteId, new Set(agentsServing(ctx.registry, call.siteId).map((s) => s.subjectId)))];
  if (targets.every((agentId) => call.declined.has(agentId))) return finishCall(ctx, call, 'declined', 'agent', name);
  // For this agent the call is over (on every node); for the others it rings on.
  ctx.publish([`agent:${session.subjectId}`], stateFrame({ ...call.info(false), phase: 'ended', endReason: 'declined', endedBy: 'agent', endedAt: ctx.now() }));
  ctx.calls.changed(call);
}

/** `call.connected`: a participant's media connected; the call becomes `active` once. */
export async function callConnected(ctx: CallContext, session: Session, frame: CallConnectedFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, async () => {
    if (call.sideOf(session) === null) throw new ParleyError('call_not_found', 'Only a participant of the call reports its media.');
    if (call.phase !== 'connecting') return;
    call.phase = 'active';
    ctx.calls.deliver(call);
  });
}

/**
 * `call.end`: a participant ends the call for everyone (the caller cancels a ringing one), as
 * may another connection of a side whose participant connection dropped. A ringing connection
 * that ends the call declines it (a visitor whose microphone failed says so).
 */
export async function callEnd(ctx: CallContext, session: Session, frame: CallEndFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, async () => {
    const side = call.sideOf(session) ?? call.lostSideOf(session);
    if (side === null) {
      if (!call.ringsFor(session)) throw new ParleyError('call_not_found', 'Only a participant of the call ends it.');
      if (session.role === 'visitor' && (frame.reason === 'no-microphone' || frame.reason === 'failed')) {
        return finishCall(ctx, call, frame.reason, 'visitor');
      }
      return decline(ctx, session, call);
    }
    await finishCall(ctx, call, endReason(call, frame.reason), side);
  });
}

/** What a client's end reason means at this point: before an answer, hanging up is cancelling, and after, the reverse. */
function endReason(call: Call, reason: CallEndFrame['reason']): CallEndReason {
  if (call.answeredAt === null) return reason === 'hangup' ? 'cancelled' : reason;
  return reason === 'cancelled' ? 'hangup' : reason;
}

/**
 * `call.signal`: forwarded as is from one participant connection to the other, and only then.
 * From any other connection, or before the call was answered, it is refused and nothing is
 * forwarded. Signalling is ephemeral: while the other side's connection is away it is dropped.
 */
export async function callSignal(ctx: CallContext, session: Session, frame: CallSignalFrame): Promise<void> {
  const call = ctx.calls.get(frame.callId);
  const side = call?.sideOf(session) ?? null;
  if (call === undefined || side === null || (call.phase !== 'connecting' && call.phase !== 'active')) {
    throw new ParleyError('call_not_found', 'This connection is not in that call; nothing was forwarded.');
  }
  const peer = side === 'visitor' ? call.agentSession : call.visitorSession;
  peer?.send({ type: 'call.signal', callId: call.id, signal: frame.signal } satisfies ServerFrame);
}
