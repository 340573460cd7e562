/**
 * The call and callback part of the console's reducer: which calls are under way (by
 * conversation), which ringing calls this agent declined, the agent's own media state, and the
 * callback tasks. Pure functions; `reducer.ts` routes frames and actions here.
 */
import type { CallInfo, Callback, ServerFrame } from '@parley/protocol';
import type { CallMediaState, ConsoleState } from './state.js';

/** The console actions about calls that do not come from the relay. */
export type CallAction =
  /** The agent declined a call that rang for several agents: stop showing it here. */
  | { kind: 'call-declined'; callId: string }
  /** The call channel's view of the agent's microphone and media link changed. */
  | { kind: 'call-media'; media: CallMediaState | null }
  /** The agent hung up or cancelled: the call is over here without waiting for the relay's word. */
  | { kind: 'call-left'; callId: string };

/** Drops the media state when its call is no longer held (ended, or forgotten by the relay). */
function mediaStillHeld(state: ConsoleState): ConsoleState {
  const media = state.callMedia;
  if (!media || Object.values(state.calls).some((c) => c.callId === media.callId)) return state;
  return { ...state, callMedia: null };
}

/** One `call.state`: a call that is not ended is held by conversation; an ended one is dropped. */
export function onCallState(state: ConsoleState, call: CallInfo): ConsoleState {
  const held = state.calls[call.conversationId];
  if (call.phase !== 'ended') return { ...state, calls: { ...state.calls, [call.conversationId]: call } };
  let next = state;
  if (held && held.callId === call.callId) {
    const calls = { ...state.calls };
    delete calls[call.conversationId];
    next = { ...next, calls };
  }
  if (next.declinedCalls[call.callId]) {
    const declinedCalls = { ...next.declinedCalls };
    delete declinedCalls[call.callId];
    next = { ...next, declinedCalls };
  }
  if (next.callMedia?.callId === call.callId) next = { ...next, callMedia: null };
  return next;
}

/** The welcome lists every call this connection is concerned with; any other is over for it. */
export function onWelcomeCalls(state: ConsoleState, calls: readonly CallInfo[] | undefined): ConsoleState {
  const held: ConsoleState['calls'] = {};
  for (const c of calls ?? []) if (c.phase !== 'ended') held[c.conversationId] = c;
  return mediaStillHeld({ ...state, calls: held });
}

/** `conversation.detail` says what call the conversation has now (null: none). */
export function onDetailCall(state: ConsoleState, conversationId: string, call: CallInfo | null | undefined): ConsoleState {
  if (call === undefined) return state;
  if (call && call.phase !== 'ended') return onCallState(state, call);
  if (!state.calls[conversationId]) return state;
  const calls = { ...state.calls };
  delete calls[conversationId];
  return mediaStillHeld({ ...state, calls });
}

/** Adds or replaces callback tasks, never rolling one back to an older version. */
export function upsertCallbacks(state: ConsoleState, list: readonly Callback[]): ConsoleState {
  if (list.length === 0) return state;
  const callbacks = { ...state.callbacks };
  let changed = false;
  for (const cb of list) {
    const old = callbacks[cb.id];
    if (old && old.updatedAt > cb.updatedAt) continue;
    callbacks[cb.id] = cb;
    changed = true;
  }
  return changed ? { ...state, callbacks } : state;
}

/**
 * `callback.items`: the relay's list. For the open filter it is every open task, so an open
 * task it no longer lists was closed while this console was not told (a reconnect): drop it.
 */
export function onCallbackItems(state: ConsoleState, frame: Extract<ServerFrame, { type: 'callback.items' }>): ConsoleState {
  let next = state;
  if (frame.filter === 'open') {
    const listed = new Set(frame.callbacks.map((c) => c.id));
    const stale = Object.values(state.callbacks).filter((c) => (c.status === 'requested' || c.status === 'claimed') && !listed.has(c.id));
    if (stale.length) {
      const callbacks = { ...state.callbacks };
      for (const c of stale) delete callbacks[c.id];
      next = { ...state, callbacks };
    }
  }
  return upsertCallbacks(next, frame.callbacks);
}

/** Applies a call action of the agent's own side. */
export function reduceCallAction(state: ConsoleState, action: CallAction): ConsoleState {
  switch (action.kind) {
    case 'call-declined':
      if (state.declinedCalls[action.callId]) return state;
      return { ...state, declinedCalls: { ...state.declinedCalls, [action.callId]: true } };
    case 'call-left': {
      const call = Object.values(state.calls).find((c) => c.callId === action.callId);
      return call ? onCallState(state, { ...call, phase: 'ended' }) : state;
    }
    case 'call-media': {
      const media = action.media;
      // A late update of a call that ended already must not bring it back.
      if (media && !Object.values(state.calls).some((c) => c.callId === media.callId)) return state;
      return { ...state, callMedia: media };
    }
  }
}
