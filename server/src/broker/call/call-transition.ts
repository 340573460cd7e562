/**
 * Every rule of a call in one pure function: given the call's state, one event and the time,
 * the next state and what must happen (effects, as plain data), or the error the event is
 * refused with. No connection, timer, store or clock is read here: the owner node's shell
 * (`hub.ts`, `lifecycle.ts`) looks up what an event needs (names, agents online), feeds the event
 * in and performs the effects, one call's events at a time. `call-transition.test.ts` is the rule
 * book, one table row per event and state.
 */
import type { CallEndReason, CallInfo, CallParty, ClientEndReason } from '@parley/protocol';
import { infoOf, lostSideOf, ringsAgents, ringsFor, sideOf, type CallActor, type CallState } from './call-state.js';
import { CALL_TEXT, endText } from './messages.js';

/** Something that happens to a call. */
export type CallEvent =
  /**
   * A connection asks to start a call in a conversation. `agentId`/`agentName`: the agent who
   * offers it, or the assignee a visitor's call rings for (null: it rings every agent). Met with
   * the conversation's current call, it is a retry (from the caller's connection) or busy.
   */
  | {
      readonly type: 'start';
      readonly callId: string;
      readonly conversationId: string;
      readonly siteId: string;
      readonly visitorId: string;
      readonly actor: CallActor;
      readonly agentId: string | null;
      readonly agentName: string | null;
    }
  /** A ringing connection answers; `agentName` is the answering agent's (unused for a visitor). */
  | { readonly type: 'accept'; readonly actor: CallActor; readonly agentName: string }
  /**
   * A ringing connection refuses. `agentName` is the declining agent's; `ringing` the agents a
   * visitor's call rings for that are online on any node (read only for an agent declining a
   * call that rings every agent of the site).
   */
  | { readonly type: 'decline'; readonly actor: CallActor; readonly agentName: string; readonly ringing: readonly string[] }
  /** A participant's media connected. */
  | { readonly type: 'connected'; readonly actor: CallActor }
  /** A connection ends the call (a ringing connection that ends it declines: same inputs as `decline`). */
  | {
      readonly type: 'end';
      readonly actor: CallActor;
      readonly reason: ClientEndReason;
      readonly agentName: string;
      readonly ringing: readonly string[];
    }
  /** Nobody answered within `callRingMs`. */
  | { readonly type: 'ring-expired' }
  /** A connection closed (a participant's, or not). */
  | { readonly type: 'participant-left'; readonly connection: string }
  /** A participant connection did not come back within `callRejoinMs`. */
  | { readonly type: 'rejoin-expired' }
  /** The node that owned the call went down (applied by the other nodes to what they were told). */
  | { readonly type: 'owner-lost' }
  /** An identity merge moved the conversation to another visitor. */
  | { readonly type: 'visitor-moved'; readonly visitorId: string };

/** What the shell does after a transition, in order. */
export type CallEffect =
  /** Start (or stop) the `callRingMs` timer; it feeds `ring-expired`. */
  | { readonly type: 'ring-timer'; readonly run: boolean }
  /** Start the `callRejoinMs` timer (once per call); it feeds `rejoin-expired`. */
  | { readonly type: 'rejoin-timer' }
  /** Send the ICE servers to both participants. */
  | { readonly type: 'ice' }
  /**
   * Send the state to everyone concerned, on every node: the visitor's tabs, agents following
   * the conversation, the call's agent, the participants (`mine`), and with `ringing` the agents
   * it rang who did not decline (so they stop ringing when it stopped).
   */
  | { readonly type: 'deliver'; readonly ringing: boolean }
  /** Tell the other nodes the state, with no frame for anyone (who declined changed). */
  | { readonly type: 'publish'; readonly ringing: boolean }
  /** Send the state (`mine`) to this participant connection only. */
  | { readonly type: 'reply'; readonly connection: string }
  /** Send this view of the call to every connection of one agent, on any node. */
  | { readonly type: 'notify-agent'; readonly agentId: string; readonly call: CallInfo }
  /** The call ended: its timers stop and the owner forgets it. */
  | { readonly type: 'forget' }
  /** Write this line on the conversation's timeline. */
  | { readonly type: 'line'; readonly text: string }
  /** Assign the conversation to the answering agent if it still waits, as taking it would. */
  | { readonly type: 'take'; readonly agentId: string; readonly agentName: string }
  /** Put the conversation's latest line in the agents' inbox. */
  | { readonly type: 'announce' };

/** The codes a call event is refused with. */
export type CallRefusalCode = 'call_not_found' | 'call_busy';

/** An event's outcome: the next state and its effects, or a refusal (nothing changed). */
export type CallOutcome =
  | { readonly state: CallState; readonly effects: readonly CallEffect[] }
  | { readonly refused: CallRefusalCode; readonly message?: string };

const NOT_RINGING = 'This call is not ringing for this connection.';

/** The next state of a call (`null`: none yet) after `event` at `now`. */
export function callTransition(state: CallState | null, event: CallEvent, now: number): CallOutcome {
  if (event.type === 'start') return start(state, event, now);
  if (state === null) return { refused: 'call_not_found' };
  if (state.phase === 'ended') {
    // An ended call is forgotten: a connection's frame finds nothing; a late timer changes nothing.
    return 'actor' in event ? { refused: 'call_not_found' } : { state, effects: [] };
  }
  switch (event.type) {
    case 'accept':
      return accept(state, event.actor, event.agentName, now);
    case 'decline':
      return decline(state, event.actor, event.agentName, event.ringing, now);
    case 'connected':
      if (sideOf(state, event.actor.connection) === null) return { refused: 'call_not_found', message: 'Only a participant of the call reports its media.' };
      if (state.phase !== 'connecting') return { state, effects: [] };
      return { state: { ...state, phase: 'active', ringStopped: true }, effects: [{ type: 'deliver', ringing: ringsAgents(state) }] };
    case 'end':
      return end(state, event, now);
    case 'ring-expired':
      return state.phase === 'ringing' ? finish(state, 'missed', null, now) : { state, effects: [] };
    case 'participant-left':
      return participantLeft(state, event.connection);
    case 'rejoin-expired':
      return state.lost.length > 0 ? finish(state, 'disconnected', null, now) : { state, effects: [] };
    case 'owner-lost':
      return finish(state, 'disconnected', null, now);
    case 'visitor-moved':
      return { state: { ...state, visitorId: event.visitorId }, effects: [] };
  }
}

function start(state: CallState | null, event: Extract<CallEvent, { type: 'start' }>, now: number): CallOutcome {
  const { actor } = event;
  if (state !== null && state.phase !== 'ended') {
    // A retried start from the caller's own connection: the call as it is.
    if (state.callId === event.callId && sideOf(state, actor.connection) !== null) return { state, effects: [{ type: 'reply', connection: actor.connection }] };
    return { refused: 'call_busy' };
  }
  const caller: CallParty = actor.role;
  const next: CallState = {
    callId: event.callId,
    conversationId: event.conversationId,
    siteId: event.siteId,
    visitorId: event.visitorId,
    caller,
    phase: 'ringing',
    agentId: event.agentId,
    agentName: event.agentName,
    ringAgentId: caller === 'visitor' ? event.agentId : null,
    declined: [],
    participants: { visitor: null, agent: null, [caller]: { subjectId: actor.subjectId, connection: actor.connection } },
    lost: [],
    ringStopped: false,
    startedAt: now,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    endedBy: null,
  };
  return {
    state: next,
    effects: [
      { type: 'ring-timer', run: true },
      { type: 'deliver', ringing: ringsAgents(next) },
      { type: 'line', text: CALL_TEXT.started(caller, event.agentName ?? '') },
      { type: 'announce' },
    ],
  };
}

/** The first ringing connection to answer becomes the other participant; the ringing stops. */
function accept(state: CallState, actor: CallActor, agentName: string, now: number): CallOutcome {
  if (state.phase !== 'ringing' && sideOf(state, actor.connection) !== null) return { state, effects: [{ type: 'reply', connection: actor.connection }] };
  if (!ringsFor(state, actor)) return { refused: 'call_not_found', message: NOT_RINGING };
  const side: CallParty = state.caller === 'visitor' ? 'agent' : 'visitor';
  const name = side === 'agent' ? agentName : (state.agentName ?? 'An agent');
  const next: CallState = {
    ...state,
    phase: 'connecting',
    answeredAt: now,
    ringStopped: true,
    participants: { ...state.participants, [side]: { subjectId: actor.subjectId, connection: actor.connection } },
    ...(side === 'agent' ? { agentId: actor.subjectId, agentName } : {}),
  };
  const effects: CallEffect[] = [
    { type: 'ring-timer', run: false },
    { type: 'ice' },
    { type: 'deliver', ringing: ringsAgents(state) },
    { type: 'line', text: CALL_TEXT.answered(side, name) },
  ];
  if (side === 'agent') effects.push({ type: 'take', agentId: actor.subjectId, agentName });
  effects.push({ type: 'announce' });
  return { state: next, effects };
}

/**
 * The visitor declining an agent's call ends it. An agent declining a visitor's call stops it
 * ringing for that agent; once every agent it rings for declined, it ends `declined`.
 */
function decline(state: CallState, actor: CallActor, agentName: string, ringing: readonly string[], now: number): CallOutcome {
  if (!ringsFor(state, actor)) return { refused: 'call_not_found', message: NOT_RINGING };
  if (actor.role === 'visitor') return finish(state, 'declined', 'visitor', now);
  const next: CallState = { ...state, declined: [...state.declined, actor.subjectId] };
  const targets = state.ringAgentId !== null ? [state.ringAgentId] : ringing;
  if (targets.every((agentId) => next.declined.includes(agentId))) return finish(next, 'declined', 'agent', now, agentName);
  // For this agent the call is over (on every node); for the others it rings on.
  const over: CallInfo = { ...infoOf(next, false), phase: 'ended', endReason: 'declined', endedBy: 'agent', endedAt: now };
  return {
    state: next,
    effects: [
      { type: 'notify-agent', agentId: actor.subjectId, call: over },
      { type: 'publish', ringing: ringsAgents(next) },
    ],
  };
}

/**
 * A participant ends the call for everyone (the caller cancels a ringing one), as may another
 * connection of a side whose participant connection dropped. A ringing connection that ends the
 * call declines it (a visitor whose microphone failed says so).
 */
function end(state: CallState, event: Extract<CallEvent, { type: 'end' }>, now: number): CallOutcome {
  const { actor, reason } = event;
  const side = sideOf(state, actor.connection) ?? lostSideOf(state, actor);
  if (side !== null) return finish(state, endReason(state, reason), side, now);
  if (!ringsFor(state, actor)) return { refused: 'call_not_found', message: 'Only a participant of the call ends it.' };
  if (actor.role === 'visitor' && (reason === 'no-microphone' || reason === 'failed')) return finish(state, reason, 'visitor', now);
  return decline(state, actor, event.agentName, event.ringing, now);
}

/** What a client's end reason means at this point: before an answer, hanging up is cancelling, and after, the reverse. */
function endReason(state: CallState, reason: ClientEndReason): CallEndReason {
  if (state.answeredAt === null) return reason === 'hangup' ? 'cancelled' : reason;
  return reason === 'cancelled' ? 'hangup' : reason;
}

/** A participant connection closed: its side is lost, and the rejoin timer starts (once per call). */
function participantLeft(state: CallState, connection: string): CallOutcome {
  const side = sideOf(state, connection);
  if (side === null) return { state, effects: [] };
  const next: CallState = {
    ...state,
    participants: { ...state.participants, [side]: null },
    lost: state.lost.includes(side) ? state.lost : [...state.lost, side],
  };
  return { state: next, effects: state.lost.length === 0 ? [{ type: 'rejoin-timer' }] : [] };
}

/** The call ends for everyone; `agentName` names who declined (for `declined` only). */
function finish(state: CallState, reason: CallEndReason, by: CallParty | null, now: number, agentName = 'An agent'): CallOutcome {
  const text = reason === 'declined' ? CALL_TEXT.declined(by ?? 'agent', agentName) : endText(reason, now - (state.answeredAt ?? now));
  return {
    state: { ...state, phase: 'ended', endReason: reason, endedBy: by, endedAt: now, ringStopped: true },
    effects: [{ type: 'forget' }, { type: 'deliver', ringing: ringsAgents(state) }, { type: 'line', text }, { type: 'announce' }],
  };
}
