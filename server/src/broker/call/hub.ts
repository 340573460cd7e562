/**
 * The call hub: every call this relay node owns, and the shell around `callTransition`.
 *
 * A call's rules are one pure function (`call-transition.ts`) over plain state
 * (`call-state.ts`). The hub feeds it events and performs the effects that touch this process:
 * it keeps each call's state beside its live participant connections and its ring and rejoin
 * timers, sends the state, ICE servers and replies, and hands back the effects on the
 * conversation (timeline lines, taking it, the inbox) for `lifecycle.ts` to write. Events of one
 * call are fed one at a time (`ctx.serial` with `callKey`).
 *
 * A call lives on the node where it was started (its owner). This node's ringing connections and
 * onlookers get its state straight from here; the other nodes get it over the bus and hand it to
 * theirs (`directory.ts`); a participant connected elsewhere is a proxy session
 * (`cluster/peers.ts`). A relay that restarts forgets its calls, and the peers see them end.
 */
import { ParleyError, type ServerFrame, type CallInfo, type CallParty } from '@parley/protocol';
import type { BrokerContext } from '../context.js';
import { agentsServing } from '../access.js';
import type { Session } from '../session.js';
import { Call } from './call.js';
import { ringsFor, type CallActor } from './call-state.js';
import { callTransition, type CallEffect, type CallEvent } from './call-transition.js';
import { iceServersFor, NO_ICE } from './ice.js';
import { UnwrittenLines } from '../unwritten-lines.js';

/** The parts of the broker the hub uses. */
export type CallHubContext = Pick<BrokerContext, 'limits' | 'registry' | 'settings' | 'now' | 'publish'>;

/** The effects a transition leaves for the conversation's store (see `lifecycle.ts`). */
export type ConversationEffect = Extract<CallEffect, { type: 'line' | 'take' | 'announce' }>;

/** The timer events the hub feeds back (through `onTimer`). */
export type CallTimerEvent = 'ring-expired' | 'rejoin-expired';

const SIDES: readonly CallParty[] = ['visitor', 'agent'];

/** A connection as the call rules see it. */
export function actorOf(session: Session): CallActor {
  const sites = session.role === 'visitor' ? (session.siteId === null ? [] : [session.siteId]) : session.siteIds;
  return { connection: session.id, role: session.role, subjectId: session.subjectId, sites };
}

/** Every call of this node. */
export class CallHub {
  private readonly calls = new Map<string, Call>();
  private readonly byConversation = new Map<string, Call>();
  /** Calls a connection is a participant of, to let go of them when it closes. */
  private readonly bySession = new Map<Session, Set<Call>>();
  private readonly ctx: CallHubContext;
  /**
   * Told of each state delivered or published, and whether the agents it rang hear it too (the
   * other nodes deliver it to theirs).
   */
  onDeliver: ((call: Call, ringing: boolean) => void) | null = null;
  /** A call's timer fired: the event to feed, in order with the call's other events. */
  onTimer: ((call: Call, event: CallTimerEvent) => void) | null = null;
  /** What calls left on conversations that the store could not take yet (see `../unwritten-lines.ts`). */
  readonly unwritten = new UnwrittenLines<ConversationEffect>('call');

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
    return [...this.calls.values()].filter((call) => call.state.visitorId === visitorId);
  }

  /** The calls an agent connection is concerned with: ringing for it, or with its agent in them. */
  ofAgent(session: Session): Call[] {
    const actor = actorOf(session);
    return [...this.calls.values()].filter((call) => ringsFor(call.state, actor) || call.state.agentId === session.subjectId);
  }

  /** The calls a connection is a participant of. */
  ofSession(session: Session): Call[] {
    const set = this.bySession.get(session);
    return set === undefined ? [] : [...set];
  }

  /**
   * Feeds one event to a call (`null`: none yet, for `start`) and performs what touches this
   * node: the state, the live participants (`session` is the acting connection), timers and
   * frames. Returns the call and the effects left for the conversation, in order. A refused
   * event throws its `ParleyError` and changes nothing.
   */
  apply(call: Call | null, event: CallEvent, session?: Session): { call: Call; effects: ConversationEffect[] } {
    const outcome = callTransition(call?.state ?? null, event, this.ctx.now());
    if ('refused' in outcome) throw new ParleyError(outcome.refused, outcome.message);
    if (call === null) {
      call = new Call(outcome.state);
      this.calls.set(call.id, call);
      this.byConversation.set(call.state.conversationId, call);
    } else {
      call.state = outcome.state;
    }
    this.bind(call, session);
    const left: ConversationEffect[] = [];
    for (const effect of outcome.effects) {
      if (effect.type === 'line' || effect.type === 'take' || effect.type === 'announce') left.push(effect);
      else this.perform(call, effect, session);
    }
    return { call, effects: left };
  }

  /** Stops every timer and forgets every call (the relay is shutting down). */
  close(): void {
    this.unwritten.close();
    for (const call of this.calls.values()) call.clearTimers();
    this.calls.clear();
    this.byConversation.clear();
    this.bySession.clear();
  }

  /** Keeps the live connection of each participant the state names, and lets go of those it no longer names. */
  private bind(call: Call, session: Session | undefined): void {
    for (const side of SIDES) {
      const participant = call.state.participants[side];
      const current = call.sessions[side];
      if (participant === null) {
        if (current !== null) this.untrack(current, call);
        call.sessions[side] = null;
      } else if (session !== undefined && participant.connection === session.id && current !== session) {
        call.sessions[side] = session;
        let set = this.bySession.get(session);
        if (set === undefined) this.bySession.set(session, (set = new Set()));
        set.add(call);
      }
    }
  }

  private perform(call: Call, effect: Exclude<CallEffect, ConversationEffect>, session: Session | undefined): void {
    switch (effect.type) {
      case 'ring-timer':
        if (call.ringTimer !== null) clearTimeout(call.ringTimer);
        call.ringTimer = effect.run ? this.timer(call, 'ring-expired', this.ctx.limits.callRingMs) : null;
        return;
      case 'rejoin-timer':
        call.rejoinTimer ??= this.timer(call, 'rejoin-expired', this.ctx.limits.callRejoinMs);
        return;
      case 'ice':
        return this.sendIce(call);
      case 'deliver':
        return this.deliver(call, effect.ringing);
      case 'publish':
        return this.onDeliver?.(call, effect.ringing);
      case 'reply': {
        const to = session?.id === effect.connection ? session : SIDES.map((side) => call.sessions[side]).find((s) => s?.id === effect.connection);
        return to?.send(stateFrame(call.info(true)));
      }
      case 'notify-agent':
        return this.ctx.publish([`agent:${effect.agentId}`], stateFrame(effect.call));
      case 'forget':
        return this.forget(call);
    }
  }

  private timer(call: Call, event: CallTimerEvent, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.onTimer?.(call, event), ms);
    timer.unref();
    return timer;
  }

  /** Sends the ICE servers for this call to both participants. */
  private sendIce(call: Call): void {
    const text = JSON.stringify({
      type: 'call.ice',
      callId: call.id,
      iceServers: iceServersFor(this.ctx.settings.ice ?? NO_ICE, call.id, this.ctx.now()),
    } satisfies ServerFrame);
    call.sessions.visitor?.sendText(text);
    call.sessions.agent?.sendText(text);
  }

  /**
   * Sends the state to every connection concerned: the visitor's tabs, agents following the
   * conversation, the call's agent, and with `ringing` the agents it rings (once more after the
   * ringing stopped, so they stop too). Each participant connection sees `mine: true`.
   */
  private deliver(call: Call, ringing: boolean): void {
    const { registry } = this.ctx;
    const { state } = call;
    const audience = new Set<Session>(registry.members(`visitor:${state.visitorId}`));
    for (const session of registry.members(`conversation:${state.conversationId}`)) audience.add(session);
    if (state.agentId !== null) for (const session of registry.members(`agent:${state.agentId}`)) audience.add(session);
    if (ringing) {
      const rung = state.ringAgentId === null ? agentsServing(registry, state.siteId) : registry.members(`agent:${state.ringAgentId}`);
      for (const session of rung) if (!state.declined.includes(session.subjectId)) audience.add(session);
    }
    this.onDeliver?.(call, ringing);
    for (const side of SIDES) {
      const participant = call.sessions[side];
      if (participant) audience.add(participant);
    }

    let theirs: string | undefined;
    for (const session of audience) {
      if (call.sideOf(session) !== null) session.send(stateFrame(call.info(true)));
      else session.sendText((theirs ??= JSON.stringify(stateFrame(call.info(false)))));
    }
  }

  private forget(call: Call): void {
    call.clearTimers();
    if (this.calls.get(call.id) === call) this.calls.delete(call.id);
    if (this.byConversation.get(call.state.conversationId) === call) this.byConversation.delete(call.state.conversationId);
    for (const side of SIDES) {
      const session = call.sessions[side];
      if (session) this.untrack(session, call);
    }
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
