/**
 * Call frames: either side starts a call (`call.start`), the ringing side answers
 * (`call.accept`) or refuses (`call.decline`), the participants exchange WebRTC signalling
 * (`call.signal`), report that media connected (`call.connected`) and end it (`call.end`).
 *
 * Who may do what is decided per connection. A visitor rings only the conversation's assignee,
 * or every agent serving its site while it waits in the queue; an agent rings the visitor's tabs. Only a ringing
 * connection answers. Signalling goes only from one participant connection to the other: from
 * anyone else it is refused with `call_not_found` and nothing is forwarded.
 *
 * These handlers only read what an event needs (names, agents online) and feed it to the call;
 * the rules themselves are `callTransition` (`call-transition.ts`).
 */
import { ParleyError, type CallAnswerFrame, type CallConnectedFrame, type CallEndFrame, type CallSignalFrame, type CallStartFrame, type ServerFrame } from '@parley/protocol';
import type { CallContext } from './context.js';
import { agentsServing, servesSite } from '../access.js';
import type { Session } from '../session.js';
import type { Call } from './call.js';
import { sideOf } from './call-state.js';
import type { CallEvent } from './call-transition.js';
import { actorOf } from './hub.js';
import { callKey, runCall } from './lifecycle.js';
import { reopenForVisitor } from './reopen.js';

async function agentName(ctx: CallContext, agentId: string): Promise<string> {
  return (await ctx.agent(agentId))?.name ?? 'An agent';
}

/** A call not ended that the session may see (a visitor only its own conversations' calls); `call_not_found` otherwise. */
async function requireCall(ctx: CallContext, session: Session, callId: string): Promise<Call> {
  const call = ctx.calls.get(callId);
  if (call === undefined) throw new ParleyError('call_not_found');
  // The conversation is read fresh: an identity merge may have moved it to another visitor.
  const conversation = await ctx.storage.getConversation(call.state.conversationId);
  if (conversation && conversation.visitorId !== call.state.visitorId) ctx.calls.apply(call, { type: 'visitor-moved', visitorId: conversation.visitorId });
  if (session.role === 'visitor' && session.subjectId !== call.state.visitorId) throw new ParleyError('call_not_found');
  // Another site's call does not exist for this agent, as its conversation is not theirs.
  if (session.role === 'agent' && !servesSite(session, call.state.siteId)) throw new ParleyError('call_not_found');
  return call;
}

/** Feeds an event to `call` after the earlier ones; refused when the call ended meanwhile. */
function serialCall(ctx: CallContext, call: Call, session: Session, event: () => Promise<CallEvent>): Promise<void> {
  return ctx.serial(callKey(call.state.conversationId), async () => {
    if (ctx.calls.get(call.id) !== call) throw new ParleyError('call_not_found');
    await runCall(ctx, call, await event(), session);
  });
}

/**
 * What an agent's `decline` (or a ringing agent's `end`) needs to know: the agent's name, and
 * the agents a call ringing every agent of the site rings for, on any node (when all of them
 * declined, it ends). Read only for an agent that is not a participant.
 */
async function declineInputs(ctx: CallContext, call: Call, session: Session): Promise<{ agentName: string; ringing: string[] }> {
  if (session.role !== 'agent' || call.sideOf(session) !== null) return { agentName: 'An agent', ringing: [] };
  const { siteId, ringAgentId } = call.state;
  const ringing = ringAgentId !== null ? [] : [...ctx.presence.agentsElsewhere(siteId, new Set(agentsServing(ctx.registry, siteId).map((s) => s.subjectId)))];
  return { agentName: await actingAgentName(ctx, call, session), ringing };
}

/** The name of an agent that is not (yet) a participant, for the line its answer or refusal writes. */
function actingAgentName(ctx: CallContext, call: Call, session: Session): Promise<string> {
  return session.role === 'agent' && call.sideOf(session) === null ? agentName(ctx, session.subjectId) : Promise.resolve('An agent');
}

/**
 * `call.start`: one call per conversation (`call_busy`). A visitor's call rings the assignee, or
 * every agent while the conversation waits (a resolved one is reopened, as a message would); an
 * agent's rings every tab of the visitor. The caller's connection is a participant at once.
 */
export async function callStart(ctx: CallContext, session: Session, frame: CallStartFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const actor = actorOf(session);
  await ctx.serial(callKey(conversation.id), async () => {
    const existing = ctx.calls.ofConversation(conversation.id) ?? ctx.calls.get(frame.callId);
    const { id: conversationId, siteId, visitorId } = conversation;
    // Met with a call, the start is a retry or busy: what the new call would have been is not read.
    if (existing !== undefined) {
      await runCall(ctx, existing, { type: 'start', callId: frame.callId, conversationId, siteId, visitorId, actor, agentId: null, agentName: null }, session);
      return;
    }
    let current = (await ctx.storage.getConversation(conversation.id)) ?? conversation;
    let agentId: string | null = null;
    let name: string | null = null;
    if (session.role === 'agent') {
      if (current.status !== 'open') throw new ParleyError('forbidden', 'Reopen the conversation to call the visitor.');
      agentId = session.subjectId;
      name = await agentName(ctx, agentId);
    } else {
      if (current.status === 'resolved') current = await reopenForVisitor(ctx, current);
      agentId = current.assigneeId;
      if (agentId !== null) name = await agentName(ctx, agentId);
    }
    const event: CallEvent = { type: 'start', callId: frame.callId, conversationId: current.id, siteId: current.siteId, visitorId: current.visitorId, actor, agentId, agentName: name };
    await runCall(ctx, null, event, session);
  });
}

/**
 * `call.accept`: the first ringing connection to answer becomes the other participant (an agent
 * answering a waiting conversation's call takes the conversation). Both participants get the ICE
 * servers and `connecting`; every other ringing connection stops ringing.
 */
export async function callAccept(ctx: CallContext, session: Session, frame: CallAnswerFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, session, async () => ({ type: 'accept', actor: actorOf(session), agentName: await actingAgentName(ctx, call, session) }));
}

/**
 * `call.decline`: the visitor declining an agent's call ends it. An agent declining a visitor's
 * call stops it ringing for that agent (its connections see it ended for them); once every agent
 * it rang for declined, it ends `declined`.
 */
export async function callDecline(ctx: CallContext, session: Session, frame: CallAnswerFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, session, async () => ({ type: 'decline', actor: actorOf(session), ...(await declineInputs(ctx, call, session)) }));
}

/** `call.connected`: a participant's media connected; the call becomes `active` once. */
export async function callConnected(ctx: CallContext, session: Session, frame: CallConnectedFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, session, async () => ({ type: 'connected', actor: actorOf(session) }));
}

/**
 * `call.end`: a participant ends the call for everyone (the caller cancels a ringing one), as
 * may another connection of a side whose participant connection dropped. A ringing connection
 * that ends the call declines it (a visitor whose microphone failed says so).
 */
export async function callEnd(ctx: CallContext, session: Session, frame: CallEndFrame): Promise<void> {
  const call = await requireCall(ctx, session, frame.callId);
  await serialCall(ctx, call, session, async () => ({ type: 'end', actor: actorOf(session), reason: frame.reason, ...(await declineInputs(ctx, call, session)) }));
}

/**
 * `call.signal`: forwarded as is from one participant connection to the other, and only then.
 * From any other connection, or before the call was answered, it is refused and nothing is
 * forwarded. Signalling is ephemeral: while the other side's connection is away it is dropped.
 */
export async function callSignal(ctx: CallContext, session: Session, frame: CallSignalFrame): Promise<void> {
  const call = ctx.calls.get(frame.callId);
  const side = call === undefined ? null : sideOf(call.state, session.id);
  if (call === undefined || side === null || (call.state.phase !== 'connecting' && call.state.phase !== 'active')) {
    throw new ParleyError('call_not_found', 'This connection is not in that call; nothing was forwarded.');
  }
  const peer = call.sessions[side === 'visitor' ? 'agent' : 'visitor'];
  peer?.send({ type: 'call.signal', callId: call.id, signal: frame.signal } satisfies ServerFrame);
}
