/**
 * One call as its owner node holds it: its state (plain data, changed only by `callTransition`)
 * beside what cannot be data: the live participant connections the state names, and the timers.
 * The hub owns these.
 */
import type { CallInfo, CallParty } from '@parley/protocol';
import type { Session } from '../session.js';
import { infoOf, sideOf, type CallState } from './call-state.js';

/** One call of a conversation, live on this node. */
export class Call {
  /** Where the call stands; replaced by each transition. */
  state: CallState;
  /** The live connection of each side's participant (the one `state.participants` names). */
  readonly sessions: Record<CallParty, Session | null> = { visitor: null, agent: null };
  ringTimer: NodeJS.Timeout | null = null;
  rejoinTimer: NodeJS.Timeout | null = null;

  constructor(state: CallState) {
    this.state = state;
  }

  /** The call's id. */
  get id(): string {
    return this.state.callId;
  }

  /** True once the call is over. */
  get ended(): boolean {
    return this.state.phase === 'ended';
  }

  /** The call as one connection sees it (`mine` for a participant connection). */
  info(mine: boolean): CallInfo {
    return infoOf(this.state, mine);
  }

  /** The side a participant connection is on; null for any other connection. */
  sideOf(session: Session): CallParty | null {
    return sideOf(this.state, session.id);
  }

  /** Stops the ring and rejoin timers. */
  clearTimers(): void {
    if (this.ringTimer !== null) clearTimeout(this.ringTimer);
    if (this.rejoinTimer !== null) clearTimeout(this.rejoinTimer);
    this.ringTimer = null;
    this.rejoinTimer = null;
  }
}
