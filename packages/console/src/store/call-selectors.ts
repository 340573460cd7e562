/**
 * Derived views of calls and callback tasks: the call ringing for this agent, the call it takes
 * part in, a conversation's call and callbacks, the open tasks and their count.
 */
import type { CallInfo, Callback } from '@parley/protocol';
import type { ConsoleState } from './state.js';

/** The call of a conversation while it is not ended, else null. */
export function callOf(state: ConsoleState, conversationId: string): CallInfo | null {
  return state.calls[conversationId] ?? null;
}

/**
 * The call this agent takes part in (it started or answered it, or holds its media while the
 * relay confirms), else null.
 */
export function myCall(state: ConsoleState): CallInfo | null {
  const calls = Object.values(state.calls);
  const media = state.callMedia;
  return calls.find((c) => c.mine === true) ?? (media ? calls.find((c) => c.callId === media.callId) ?? null : null);
}

/**
 * The visitor's call ringing for this agent, the oldest first, else null. A ringing call the
 * agent declined, or one of a conversation assigned to another agent (seen when opening it), is
 * not ringing here.
 */
export function incomingCall(state: ConsoleState): CallInfo | null {
  const meId = state.me?.id ?? null;
  const ringing = Object.values(state.calls).filter((c) => {
    if (c.phase !== 'ringing' || c.caller !== 'visitor' || c.mine || state.declinedCalls[c.callId]) return false;
    // Accepted here a moment ago: the relay's answer is on its way.
    if (state.callMedia?.callId === c.callId) return false;
    const assignee = state.conversations[c.conversationId]?.assigneeId ?? null;
    return assignee === null || assignee === meId;
  });
  ringing.sort((a, b) => a.startedAt - b.startedAt);
  return ringing[0] ?? null;
}

/** True while the task still needs someone to call. */
export function isOpenCallback(cb: Callback): boolean {
  return cb.status === 'requested' || cb.status === 'claimed';
}

/** When a task is due: the start of its window, else when it was asked for. */
function dueAt(cb: Callback): number {
  return cb.window?.from ?? cb.createdAt;
}

/** The open callback tasks, the one due soonest first. */
export function openCallbacks(state: ConsoleState): Callback[] {
  return Object.values(state.callbacks)
    .filter(isOpenCallback)
    .sort((a, b) => dueAt(a) - dueAt(b) || a.createdAt - b.createdAt);
}

/** How many callback tasks are open (the nav item's count). */
export function openCallbackCount(state: ConsoleState): number {
  let n = 0;
  for (const cb of Object.values(state.callbacks)) if (isOpenCallback(cb)) n += 1;
  return n;
}

/** A conversation's callback requests, newest first. */
export function callbacksOf(state: ConsoleState, conversationId: string): Callback[] {
  return Object.values(state.callbacks)
    .filter((cb) => cb.conversationId === conversationId)
    .sort((a, b) => b.createdAt - a.createdAt);
}
