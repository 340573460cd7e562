/**
 * One call as the relay keeps it in memory: where it stands, who is on each end (the
 * participant connections), whom it rings, who declined, and its timers. The hub owns these;
 * the actions change them.
 */
import type { CallEndReason, CallInfo, CallParty, CallPhase } from '@parley/protocol';
import { servesSite } from '../access.js';
import type { Session } from '../session.js';

/** What a call starts with. */
export interface NewCall {
  callId: string;
  conversationId: string;
  /** The conversation's site: a visitor's call rings only agents serving it. */
  siteId: string;
  visitorId: string;
  caller: CallParty;
  /** The agent who offered it, or the assignee a visitor's call rings for; null: it rings every agent. */
  agentId: string | null;
  agentName: string | null;
  startedAt: number;
}

/** One call of a conversation. */
export class Call {
  readonly id: string;
  readonly conversationId: string;
  /** The conversation's site. */
  readonly siteId: string;
  /** The conversation's visitor (follows an identity merge on the next action). */
  visitorId: string;
  readonly caller: CallParty;
  phase: CallPhase = 'ringing';
  agentId: string | null;
  agentName: string | null;
  readonly startedAt: number;
  answeredAt: number | null = null;
  endedAt: number | null = null;
  endReason: CallEndReason | null = null;
  endedBy: CallParty | null = null;
  /**
   * A visitor's call: the one agent it rings for (the conversation's assignee), or null while it
   * rings for every agent (the conversation waits in the queue).
   */
  readonly ringAgentId: string | null;
  /** The participant connection of each side; null before that side answered, or once it dropped. */
  visitorSession: Session | null = null;
  agentSession: Session | null = null;
  /** Sides whose participant connection dropped: a connection of the same visitor or agent may end the call. */
  readonly lost = new Set<CallParty>();
  /** Agents who declined a visitor's call: it no longer rings for them. */
  readonly declined = new Set<string>();
  /** False until the ringing connections were told the call stopped ringing. */
  ringOver = false;
  ringTimer: NodeJS.Timeout | null = null;
  rejoinTimer: NodeJS.Timeout | null = null;

  constructor(input: NewCall) {
    this.id = input.callId;
    this.conversationId = input.conversationId;
    this.siteId = input.siteId;
    this.visitorId = input.visitorId;
    this.caller = input.caller;
    this.agentId = input.agentId;
    this.agentName = input.agentName;
    this.startedAt = input.startedAt;
    this.ringAgentId = input.caller === 'visitor' ? input.agentId : null;
  }

  /** True once the call is over. */
  get ended(): boolean {
    return this.phase === 'ended';
  }

  /** The call as one connection sees it (`mine` for a participant connection). */
  info(mine: boolean): CallInfo {
    return {
      callId: this.id,
      conversationId: this.conversationId,
      caller: this.caller,
      phase: this.phase,
      agentId: this.agentId,
      agentName: this.agentName,
      startedAt: this.startedAt,
      answeredAt: this.answeredAt,
      endedAt: this.endedAt,
      endReason: this.endReason,
      endedBy: this.endedBy,
      mine,
    };
  }

  /** The side a participant connection is on; null for any other connection. */
  sideOf(session: Session): CallParty | null {
    if (session === this.visitorSession) return 'visitor';
    if (session === this.agentSession) return 'agent';
    return null;
  }

  /**
   * The side whose participant connection dropped, when `session` is another connection of the
   * same visitor or agent (it came back: it may end the call).
   */
  lostSideOf(session: Session): CallParty | null {
    if (session.role === 'visitor' && this.lost.has('visitor') && session.subjectId === this.visitorId) return 'visitor';
    if (session.role === 'agent' && this.lost.has('agent') && session.subjectId === this.agentId) return 'agent';
    return null;
  }

  /**
   * True when the call rings for this connection: a visitor's call for the agent it was offered
   * to (every agent serving the site while unassigned) who has not declined; an agent's call for every tab of
   * the visitor. Participants are never rung.
   */
  ringsFor(session: Session): boolean {
    if (this.phase !== 'ringing' || this.sideOf(session) !== null) return false;
    if (this.caller === 'agent') return session.role === 'visitor' && session.subjectId === this.visitorId;
    if (session.role !== 'agent' || this.declined.has(session.subjectId) || !servesSite(session, this.siteId)) return false;
    return this.ringAgentId === null || this.ringAgentId === session.subjectId;
  }

  /** Stops the ring and rejoin timers. */
  clearTimers(): void {
    if (this.ringTimer !== null) clearTimeout(this.ringTimer);
    if (this.rejoinTimer !== null) clearTimeout(this.rejoinTimer);
    this.ringTimer = null;
    this.rejoinTimer = null;
  }
}
