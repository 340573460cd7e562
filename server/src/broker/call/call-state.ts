/**
 * A call as plain data: where it stands, who is on each end (by subject and connection id, never
 * a live connection), whom it rings and who declined. It is what `callTransition` changes, what
 * the owner node keeps, and what it tells the other nodes; nothing in it is live (no connection,
 * no timer), so any node can read it and a test can write it down.
 */
import type { CallEndReason, CallInfo, CallParty, CallPhase } from '@parley/protocol';

/** One side's participant: the person, and the connection through which they take part. */
export interface CallParticipant {
  readonly subjectId: string;
  /** The connection's id, unique across relay nodes (a proxy session has its real connection's id). */
  readonly connection: string;
}

/** A call's state. */
export interface CallState {
  readonly callId: string;
  readonly conversationId: string;
  /** The conversation's site: a visitor's call rings only agents serving it. */
  readonly siteId: string;
  /** The conversation's visitor (follows an identity merge: `visitor-moved`). */
  readonly visitorId: string;
  readonly caller: CallParty;
  readonly phase: CallPhase;
  /** The agent in the call: who offered it, who answered it, or the assignee a visitor's call rings for. */
  readonly agentId: string | null;
  readonly agentName: string | null;
  /**
   * A visitor's call: the one agent it rings for (the conversation's assignee), or null while it
   * rings for every agent of the site (the conversation waits in the queue).
   */
  readonly ringAgentId: string | null;
  /** Agents who declined a visitor's call: it no longer rings for them. */
  readonly declined: readonly string[];
  /** The participant of each side; null before that side answered, or once its connection dropped. */
  readonly participants: Readonly<Record<CallParty, CallParticipant | null>>;
  /** Sides whose participant connection dropped: another connection of that person may end the call. */
  readonly lost: readonly CallParty[];
  /** True once the agents a visitor's call rang were told it stopped ringing. */
  readonly ringStopped: boolean;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly endReason: CallEndReason | null;
  readonly endedBy: CallParty | null;
}

/** A connection as a call's rules see it. */
export interface CallActor {
  /** The connection's id. */
  readonly connection: string;
  readonly role: CallParty;
  /** The visitor's or agent's id. */
  readonly subjectId: string;
  /** The sites it serves: a visitor's own site, an agent's scope; null for every site (an admin). */
  readonly sites: readonly string[] | null;
}

/** The call as one connection sees it (`mine` for a participant connection). */
export function infoOf(state: CallState, mine: boolean): CallInfo {
  return {
    callId: state.callId,
    conversationId: state.conversationId,
    caller: state.caller,
    phase: state.phase,
    agentId: state.agentId,
    agentName: state.agentName,
    startedAt: state.startedAt,
    answeredAt: state.answeredAt,
    endedAt: state.endedAt,
    endReason: state.endReason,
    endedBy: state.endedBy,
    mine,
  };
}

/** The side a participant connection is on; null for any other connection. */
export function sideOf(state: CallState, connection: string): CallParty | null {
  if (state.participants.visitor?.connection === connection) return 'visitor';
  if (state.participants.agent?.connection === connection) return 'agent';
  return null;
}

/**
 * The side whose participant connection dropped, when `actor` is another connection of the same
 * visitor or agent (it came back: it may end the call).
 */
export function lostSideOf(state: CallState, actor: CallActor): CallParty | null {
  if (actor.role === 'visitor' && state.lost.includes('visitor') && actor.subjectId === state.visitorId) return 'visitor';
  if (actor.role === 'agent' && state.lost.includes('agent') && actor.subjectId === state.agentId) return 'agent';
  return null;
}

/**
 * True when the call rings for this connection: a visitor's call for the agent it was offered
 * to (every agent serving the site while unassigned) who has not declined; an agent's call for
 * every tab of the visitor. Participants are never rung.
 */
export function ringsFor(state: CallState, actor: CallActor): boolean {
  if (state.phase !== 'ringing' || sideOf(state, actor.connection) !== null) return false;
  if (state.caller === 'agent') return actor.role === 'visitor' && actor.subjectId === state.visitorId;
  if (actor.role !== 'agent' || state.declined.includes(actor.subjectId)) return false;
  if (actor.sites !== null && !actor.sites.includes(state.siteId)) return false;
  return state.ringAgentId === null || state.ringAgentId === actor.subjectId;
}

/** True while a visitor's call still rings for agents who were not told it stopped. */
export function ringsAgents(state: CallState): boolean {
  return state.caller === 'visitor' && !state.ringStopped;
}
