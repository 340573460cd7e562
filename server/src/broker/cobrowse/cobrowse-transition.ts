/**
 * Every rule of a co-browse session in one pure function: given its state, one event and the
 * time, the next state and what must happen (effects, as plain data), or the error the event is
 * refused with. Consent (asked, granted, denied, expired, stopped), remote control (asked,
 * allowed, declined, taken back), the source tab (consented, gone during a page load, back, gone
 * for good) and the watching agents are decided here; no connection, timer, checkpoint, store
 * or clock is read. The owner node's shell (`hub.ts`, `lifecycle.ts`) feeds the events in, one
 * conversation's at a time, and performs the effects. Page data, pointer and control frames are
 * not state changes: they are forwarded while `mayForward` says so.
 */
import type { CobrowsePhase, CobrowseScope } from '@parley/protocol';
import { COBROWSE_TEXT } from './messages.js';
import { isOff, sharingOff, type SharingState } from './sharing-state.js';

/** Something that happens to a conversation's co-browse. */
export type CobrowseEvent =
  /** An agent asks to see the page (`view`) or, while sharing, for remote `control`; `requestId` is new. */
  | { readonly type: 'request'; readonly scope: CobrowseScope; readonly agentId: string; readonly agentName: string; readonly requestId: string }
  /** A visitor tab answers the request `requestId`; granting `view` makes it the source tab. */
  | { readonly type: 'consent'; readonly connection: string; readonly requestId: string; readonly granted: boolean; readonly tab: string }
  /** Either side stops `view` (ending control too) or only `control`; `agentName` when an agent does. */
  | { readonly type: 'end'; readonly role: 'visitor' | 'agent'; readonly scope: CobrowseScope; readonly agentName: string }
  /** Nobody answered the request `requestId` within `cobrowseRequestMs`. */
  | { readonly type: 'request-expired'; readonly requestId: string }
  /** A connection closed: a watcher stops watching; the source tab leaves the session waiting for it. */
  | { readonly type: 'connection-closed'; readonly connection: string }
  /** The source tab did not come back within `cobrowseResumeMs`. */
  | { readonly type: 'resume-expired' }
  /** A visitor tab connected with this tab id: when it is the sharing tab, it is the source again. */
  | { readonly type: 'source-back'; readonly connection: string; readonly tab: string | null }
  /** An agent connection starts (or, after a gap, restarts) watching. */
  | { readonly type: 'watcher-joined'; readonly connection: string }
  /** An agent connection stops watching. */
  | { readonly type: 'watcher-left'; readonly connection: string }
  /** The conversation was resolved by `agentName`: co-browse ends as if they ended it. */
  | { readonly type: 'resolved'; readonly agentName: string }
  /** The node that owned the session went down (applied by the other nodes to what they were told). */
  | { readonly type: 'owner-lost' }
  /** An identity merge moved the conversation to another visitor. */
  | { readonly type: 'visitor-moved'; readonly visitorId: string };

/** What the shell does after a transition, in order. */
export type CobrowseEffect =
  /** Start the `cobrowseRequestMs` timer for this request (replacing any), or stop it (null); it feeds `request-expired`. */
  | { readonly type: 'request-timer'; readonly requestId: string | null }
  /** Start (restart) or stop the `cobrowseResumeMs` wait for the source tab; it feeds `resume-expired`. */
  | { readonly type: 'resume-timer'; readonly run: boolean }
  /** This connection is the source tab now (it keeps the tab id); another that was is not. */
  | { readonly type: 'source'; readonly connection: string; readonly tab: string }
  /** Tell a tab that was the source that it no longer is. */
  | { readonly type: 'tell-former-source'; readonly connection: string }
  /** Send the state to both sides: every tab of the visitor (on any node), agents following the conversation and its assignee. */
  | { readonly type: 'deliver' }
  /** Send the state to the agents only (whether the page is live changed). */
  | { readonly type: 'deliver-agents' }
  /** Send the state as it is to the acting connection (nothing changed). */
  | { readonly type: 'reply' }
  /** Start sending page data to this agent connection: the state, then the checkpoint, and ask the source for a fresh snapshot. */
  | { readonly type: 'watch'; readonly connection: string }
  /** Stop sending page data to this agent connection. */
  | { readonly type: 'unwatch'; readonly connection: string }
  /** All off: timers stop, watchers and checkpoint are dropped, the owner forgets it. */
  | { readonly type: 'forget' }
  /** Write this line on the conversation's timeline. */
  | { readonly type: 'line'; readonly text: string };

/** The codes a co-browse event is refused with. */
export type CobrowseRefusalCode = 'cobrowse_no_consent';

/** An event's outcome: the next state and its effects, or a refusal (nothing changed). */
export type CobrowseOutcome =
  | { readonly state: SharingState; readonly effects: readonly CobrowseEffect[] }
  | { readonly refused: CobrowseRefusalCode; readonly message: string };

/** The refusal of anything that needs the visitor to be sharing. */
export const NOT_SHARING = 'The visitor is not sharing this page; nothing was forwarded.';

const notSharing: CobrowseOutcome = { refused: 'cobrowse_no_consent', message: NOT_SHARING };

/** The next co-browse state of a conversation after `event` at `now` (`sharingOff` when there is none). */
export function cobrowseTransition(state: SharingState, event: CobrowseEvent, now: number): CobrowseOutcome {
  const same = (...effects: CobrowseEffect[]): CobrowseOutcome => ({ state, effects });
  switch (event.type) {
    case 'request':
      return request(state, event);
    case 'consent':
      return consent(state, event, now);
    case 'end':
      return end(state, event);
    case 'request-expired':
      if (state.requestId !== event.requestId) return same();
      if (state.view === 'requested') return stop(state, COBROWSE_TEXT.expired);
      return {
        state: { ...state, requestId: null, control: 'off' },
        effects: [{ type: 'request-timer', requestId: null }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.expired }],
      };
    case 'connection-closed':
      if (state.watchers.includes(event.connection)) return unwatch(state, event.connection);
      if (state.source !== event.connection) return same();
      return { state: { ...state, source: null }, effects: [{ type: 'resume-timer', run: true }, { type: 'deliver-agents' }] };
    case 'resume-expired':
      return state.source === null && state.view === 'active' ? stop(state, COBROWSE_TEXT.visitorLeft) : same();
    case 'source-back': {
      if (state.view !== 'active' || event.tab === null || state.tab !== event.tab) return same();
      const effects: CobrowseEffect[] = [{ type: 'resume-timer', run: false }, { type: 'source', connection: event.connection, tab: event.tab }];
      if (state.source !== null && state.source !== event.connection) effects.push({ type: 'tell-former-source', connection: state.source });
      effects.push({ type: 'deliver-agents' });
      return { state: { ...state, source: event.connection }, effects };
    }
    case 'watcher-joined':
      if (state.view !== 'active') return notSharing;
      return {
        state: state.watchers.includes(event.connection) ? state : { ...state, watchers: [...state.watchers, event.connection] },
        effects: [{ type: 'watch', connection: event.connection }],
      };
    case 'watcher-left':
      return state.watchers.includes(event.connection) ? unwatch(state, event.connection) : same();
    case 'resolved':
      if (isOff(state)) return same();
      return stop(state, state.view === 'requested' ? COBROWSE_TEXT.agentCancelled(event.agentName) : COBROWSE_TEXT.agentStopped(event.agentName));
    case 'owner-lost':
      if (isOff(state)) return same();
      return { state: sharingOff(state.conversationId, state.visitorId), effects: [{ type: 'forget' }, { type: 'deliver' }, { type: 'line', text: COBROWSE_TEXT.lost }] };
    case 'visitor-moved':
      return { state: { ...state, visitorId: event.visitorId }, effects: [] };
  }
}

/** Asks for `view` (when nothing is shared yet) or `control` (only while sharing); asking again changes nothing. */
function request(state: SharingState, event: Extract<CobrowseEvent, { type: 'request' }>): CobrowseOutcome {
  if (event.scope === 'control' && state.view !== 'active') return notSharing;
  const phase: CobrowsePhase = event.scope === 'view' ? state.view : state.control;
  if (phase !== 'off') return { state, effects: [{ type: 'reply' }] };
  const next: SharingState = { ...state, [event.scope]: 'requested', requestId: event.requestId, agentId: event.agentId, agentName: event.agentName };
  const text = event.scope === 'view' ? COBROWSE_TEXT.asked(event.agentName) : COBROWSE_TEXT.askedControl(event.agentName);
  return { state: next, effects: [{ type: 'request-timer', requestId: event.requestId }, { type: 'deliver' }, { type: 'line', text }] };
}

/** The visitor answers the pending request, which the answer must name. */
function consent(state: SharingState, event: Extract<CobrowseEvent, { type: 'consent' }>, now: number): CobrowseOutcome {
  if (state.requestId === null) return { refused: 'cobrowse_no_consent', message: 'No co-browse request is waiting for an answer.' };
  if (state.requestId !== event.requestId) return { refused: 'cobrowse_no_consent', message: 'That co-browse request is no longer pending; answer the current one.' };
  const answered: SharingState = { ...state, requestId: null };
  if (state.view === 'requested') {
    if (!event.granted) return stop(answered, COBROWSE_TEXT.declined);
    return {
      state: { ...answered, view: 'active', since: now, tab: event.tab, source: event.connection },
      effects: [
        { type: 'request-timer', requestId: null },
        { type: 'resume-timer', run: false },
        { type: 'source', connection: event.connection, tab: event.tab },
        { type: 'deliver' },
        { type: 'line', text: COBROWSE_TEXT.started },
      ],
    };
  }
  return {
    state: { ...answered, control: event.granted ? 'active' : 'off' },
    effects: [
      { type: 'request-timer', requestId: null },
      { type: 'deliver' },
      { type: 'line', text: event.granted ? COBROWSE_TEXT.controlAllowed : COBROWSE_TEXT.controlDeclined },
    ],
  };
}

/** Either side stops sharing (which ends control too) or only control; what is off already stays so. */
function end(state: SharingState, event: Extract<CobrowseEvent, { type: 'end' }>): CobrowseOutcome {
  if (isOff(state)) return { state, effects: [{ type: 'reply' }] };
  const visitor = event.role === 'visitor';
  if (event.scope === 'view') {
    const requested = state.view === 'requested';
    const text = visitor
      ? requested ? COBROWSE_TEXT.declined : COBROWSE_TEXT.visitorStopped
      : requested ? COBROWSE_TEXT.agentCancelled(event.agentName) : COBROWSE_TEXT.agentStopped(event.agentName);
    return stop(state, text);
  }
  if (state.control === 'off') return { state, effects: [{ type: 'reply' }] };
  const requested = state.control === 'requested';
  const text = visitor
    ? requested ? COBROWSE_TEXT.controlDeclined : COBROWSE_TEXT.controlTakenBack
    : requested ? COBROWSE_TEXT.agentCancelled(event.agentName) : COBROWSE_TEXT.agentStoppedControl(event.agentName);
  const effects: CobrowseEffect[] = requested ? [{ type: 'request-timer', requestId: null }] : [];
  effects.push({ type: 'deliver' }, { type: 'line', text });
  return { state: { ...state, control: 'off', requestId: requested ? null : state.requestId }, effects };
}

function unwatch(state: SharingState, connection: string): CobrowseOutcome {
  return { state: { ...state, watchers: state.watchers.filter((id) => id !== connection) }, effects: [{ type: 'unwatch', connection }] };
}

/** All off, for both sides, with its line. */
function stop(state: SharingState, text: string): CobrowseOutcome {
  return { state: sharingOff(state.conversationId, state.visitorId), effects: [{ type: 'forget' }, { type: 'deliver' }, { type: 'line', text }] };
}

/**
 * Whether a frame of page data (from the source tab), a pointer or a control frame (from an
 * agent) may be forwarded now; the refusal message when not.
 */
export function mayForward(state: SharingState, kind: 'events' | 'pointer' | 'control', connection: string): { code: 'cobrowse_no_consent' | 'cobrowse_no_control'; message?: string } | null {
  if (state.view !== 'active') return { code: 'cobrowse_no_consent', message: NOT_SHARING };
  if (kind === 'events' && state.source !== connection) return { code: 'cobrowse_no_consent', message: 'Another tab is sharing this page; nothing was forwarded.' };
  if (kind === 'control' && state.control !== 'active') return { code: 'cobrowse_no_control' };
  return null;
}
