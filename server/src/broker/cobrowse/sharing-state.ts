/**
 * A co-browse session as plain data: where each scope stands, the pending request, the agent,
 * the source tab and the agents watching (by connection id, never a live connection). It is what
 * `cobrowseTransition` changes and what the owner node keeps beside the live parts (the
 * connections, the checkpoint, the timers: `sharing.ts`).
 */
import type { CobrowsePhase, CobrowseStatus } from '@parley/protocol';

/** One conversation's co-browse session. */
export interface SharingState {
  readonly conversationId: string;
  /** The conversation's visitor (follows an identity merge: `visitor-moved`). */
  readonly visitorId: string;
  readonly view: CobrowsePhase;
  /** Remote control: only ever `requested` or `active` while `view` is `active`. */
  readonly control: CobrowsePhase;
  /** The pending request the visitor answers; set while a scope is `requested`. */
  readonly requestId: string | null;
  /** The agent who asked (or is viewing) and their display name. */
  readonly agentId: string | null;
  readonly agentName: string | null;
  /** When the visitor started sharing. */
  readonly since: number | null;
  /** The source tab's id (sessionStorage), so sharing resumes after a full page load in it. */
  readonly tab: string | null;
  /** The connection id of the tab that records and sends the page; null during a page load. */
  readonly source: string | null;
  /** Connection ids of the agents watching the page. */
  readonly watchers: readonly string[];
}

/** A conversation's co-browse when nothing is asked nor shared. */
export function sharingOff(conversationId: string, visitorId: string): SharingState {
  return {
    conversationId,
    visitorId,
    view: 'off',
    control: 'off',
    requestId: null,
    agentId: null,
    agentName: null,
    since: null,
    tab: null,
    source: null,
    watchers: [],
  };
}

/** True when nothing is asked nor shared (the owner then forgets the session). */
export function isOff(state: SharingState): boolean {
  return state.view === 'off' && state.control === 'off';
}

/** The state both sides share. */
export function statusOf(state: SharingState): CobrowseStatus {
  const { conversationId, view, control, requestId, agentName, since } = state;
  return { conversationId, view, control, requestId, agentName, since };
}

/** The state as one visitor connection sees it (`source` differs per tab). */
export function visitorStatusOf(state: SharingState, connection: string): CobrowseStatus {
  return { ...statusOf(state), source: state.source === connection };
}

/** The state as agents see it (`live` while a sharing tab is connected). */
export function agentStatusOf(state: SharingState): CobrowseStatus {
  return { ...statusOf(state), live: state.view === 'active' && state.source !== null };
}
