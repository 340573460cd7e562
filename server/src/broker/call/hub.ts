/**
 * The call hub: every call of this relay node, in memory, one per conversation at most, and how
 * its state, ICE servers and signalling reach the connections concerned.
 *
 * A call lives on the node where it was started. This node's ringing connections and onlookers
 * get its state straight from here; the other nodes get it over the bus and hand it to theirs
 * (`directory.ts`); a participant connected elsewhere is a proxy session (`cluster/peers.ts`).
 * A relay that restarts forgets its calls, and the peers see them end.
 */
import type { CallInfo, ServerFrame } from '@parley/protocol';
import type { BrokerContext } from '../context.js';
import { agentsServing } from '../access.js';
import type { Session } from '../session.js';
import { Call, type NewCall } from './call.js';
import { iceServersFor, NO_ICE } from './ice.js';

/** The parts of the broker the hub uses. */
export type CallHubContext = Pick<BrokerContext, 'limits' | 'registry' | 'settings' | 'now'>;

/** Every call of this node. */
export class CallHub {
  private readonly calls = new Map<string, Call>();
  private readonly byConversation = new Map<string, Call>();
  /** Calls a connection is a participant of, to let go of them when it closes. */
  private readonly bySession = new Map<Session, Set<Call>>();
  private readonly ctx: CallHubContext;
  /** Told of each state delivered, before the ringing stops (the other nodes deliver it too). */
  onDeliver: ((call: Call) => void) | null = null;

  constructor(ctx: CallHubContext) {
    this.ctx = ctx;
  }

  /** Number of calls not ended. */
  get size(): number {
    return this.calls.size;
  }

  /** A call not ended, by id. */
  get(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /** The conversation's call, while one is not ended. */
  ofConversation(conversationId: string): Call | undefined {
    return this.byConversation.get(conversationId);
  }

  /** The calls of a visitor's conversations. */
  ofVisitor(visitorId: string): Call[] {
    return [...this.calls.values()].filter((call) => call.visitorId === visitorId);
  }

  /** The calls an agent connection is concerned with: ringing for it, or with its agent in them. */
  ofAgent(session: Session): Call[] {
    return [...this.calls.values()].filter((call) => call.ringsFor(session) || call.agentId === session.subjectId);
  }

  /** The calls a connection is a participant of. */
  ofSession(session: Session): Call[] {
    const set = this.bySession.get(session);
    return set === undefined ? [] : [...set];
  }

  /** Starts a call with `session` as the caller; `onRingExpire` runs if nobody answers within `callRingMs`. */
  start(input: NewCall, session: Session, onRingExpire: () => void): Call {
    const call = new Call(input);
    this.calls.set(call.id, call);
    this.byConversation.set(call.conversationId, call);
    this.join(call, input.caller, session);
    call.ringTimer = setTimeout(onRingExpire, this.ctx.limits.callRingMs);
    call.ringTimer.unref();
    return call;
  }

  /** Makes `session` the participant of `side`. */
  join(call: Call, side: 'visitor' | 'agent', session: Session): void {
    if (side === 'visitor') call.visitorSession = session;
    else call.agentSession = session;
    let set = this.bySession.get(session);
    if (set === undefined) this.bySession.set(session, (set = new Set()));
    set.add(call);
  }

  /** The call was answered: no more ringing. */
  answered(call: Call, now: number): void {
    if (call.ringTimer !== null) clearTimeout(call.ringTimer);
    call.ringTimer = null;
    call.answeredAt = now;
    call.phase = 'connecting';
  }

  /**
   * A participant connection closed: its side is lost, and the call waits `callRejoinMs` (once,
   * however many sides drop) before `onRejoinExpire` ends it.
   */
  lose(call: Call, session: Session, onRejoinExpire: () => void): void {
    const side = call.sideOf(session);
    if (side === null) return;
    if (side === 'visitor') call.visitorSession = null;
    else call.agentSession = null;
    call.lost.add(side);
    this.untrack(session, call);
    if (call.rejoinTimer !== null) return;
    call.rejoinTimer = setTimeout(onRejoinExpire, this.ctx.limits.callRejoinMs);
    call.rejoinTimer.unref();
  }

  /** Tells the other nodes of a change no connection here needs a frame for (who declined). */
  changed(call: Call): void {
    this.onDeliver?.(call);
  }

  /** Sends the ICE servers for this call to both participants. */
  sendIce(call: Call): void {
    const text = JSON.stringify({
      type: 'call.ice',
      callId: call.id,
      iceServers: iceServersFor(this.ctx.settings.ice ?? NO_ICE, call.id, this.ctx.now()),
    } satisfies ServerFrame);
    call.visitorSession?.sendText(text);
    call.agentSession?.sendText(text);
  }

  /**
   * Sends the state to every connection concerned: the visitor's tabs, agents following the
   * conversation, the call's agent, and the ringing agents (once more after the ringing stopped,
   * so they stop too). Each participant connection sees `mine: true`.
   */
  deliver(call: Call): void {
    const { registry } = this.ctx;
    const audience = new Set<Session>(registry.members(`visitor:${call.visitorId}`));
    for (const session of registry.members(`conversation:${call.conversationId}`)) audience.add(session);
    if (call.agentId !== null) for (const session of registry.members(`agent:${call.agentId}`)) audience.add(session);
    if (call.caller === 'visitor' && !call.ringOver) {
      const ringing = call.ringAgentId === null ? agentsServing(registry, call.siteId) : registry.members(`agent:${call.ringAgentId}`);
      for (const session of ringing) if (!call.declined.has(session.subjectId)) audience.add(session);
    }
    this.onDeliver?.(call);
    if (call.phase !== 'ringing') call.ringOver = true;
    if (call.visitorSession) audience.add(call.visitorSession);
    if (call.agentSession) audience.add(call.agentSession);

    let theirs: string | undefined;
    for (const session of audience) {
      if (call.sideOf(session) !== null) session.send(stateFrame(call.info(true)));
      else session.sendText((theirs ??= JSON.stringify(stateFrame(call.info(false)))));
    }
  }

  /** Ends a call: its state is final, its timers stop and it is forgotten (deliver it after). */
  end(call: Call, reason: NonNullable<Call['endReason']>, by: Call['endedBy'], now: number): void {
    call.phase = 'ended';
    call.endReason = reason;
    call.endedBy = by;
    call.endedAt = now;
    this.forget(call);
  }

  /** Stops every timer and forgets every call (the relay is shutting down). */
  close(): void {
    for (const call of this.calls.values()) call.clearTimers();
    this.calls.clear();
    this.byConversation.clear();
    this.bySession.clear();
  }

  private forget(call: Call): void {
    call.clearTimers();
    if (this.calls.get(call.id) === call) this.calls.delete(call.id);
    if (this.byConversation.get(call.conversationId) === call) this.byConversation.delete(call.conversationId);
    if (call.visitorSession) this.untrack(call.visitorSession, call);
    if (call.agentSession) this.untrack(call.agentSession, call);
  }

  private untrack(session: Session, call: Call): void {
    const set = this.bySession.get(session);
    if (set === undefined) return;
    set.delete(call);
    if (set.size === 0) this.bySession.delete(session);
  }
}

/** A `call.state` frame. */
export function stateFrame(call: CallInfo): ServerFrame {
  return { type: 'call.state', call } satisfies ServerFrame;
}
