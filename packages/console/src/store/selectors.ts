/**
 * Derived views of the console state: inbox filters and counts, unread and unseen markers,
 * resume points. Pure functions; the screens and the session call them.
 */
import type { CobrowseStatus, ConversationSummary, InboxView, Message, ResumePoints } from '@parley/protocol';
import { INBOX_VIEWS, cobrowseOff } from '@parley/protocol';
import type { ConsoleState, ConsoleView } from './state.js';

/** Labels of the inbox views, in console order. */
export const VIEW_LABELS: Readonly<Record<InboxView, string>> = {
  waiting: 'Waiting',
  mine: 'Mine',
  open: 'All open',
  resolved: 'Closed',
};

/** True when the conversation is open and nobody took it yet. */
export function isWaiting(c: ConversationSummary): boolean {
  return c.status === 'open' && !c.assigneeId;
}

/** True when the conversation belongs in the given inbox view for agent `meId`. */
export function inView(c: ConversationSummary, view: ConsoleView, meId: string | null): boolean {
  switch (view) {
    case 'callbacks':
      return false;
    case 'waiting':
      return isWaiting(c);
    case 'mine':
      return c.status === 'open' && meId !== null && c.assigneeId === meId;
    case 'open':
      return c.status === 'open';
    case 'resolved':
      return c.status === 'resolved';
  }
}

/** When the conversation last moved, for sorting (newest first). */
export function activityAt(c: ConversationSummary): number {
  return Math.max(c.updatedAt, c.lastMessage?.at ?? 0);
}

/** The conversations of one view, newest activity first. */
export function conversationsInView(state: ConsoleState, view: ConsoleView = state.view): ConversationSummary[] {
  const meId = state.me?.id ?? null;
  return Object.values(state.conversations)
    .filter((c) => inView(c, view, meId))
    .sort((a, b) => activityAt(b) - activityAt(a) || (a.id < b.id ? -1 : 1));
}

/** How many conversations each view holds. */
export function viewCounts(state: ConsoleState): Record<InboxView, number> {
  const meId = state.me?.id ?? null;
  const counts = { waiting: 0, mine: 0, open: 0, resolved: 0 } as Record<InboxView, number>;
  for (const c of Object.values(state.conversations)) {
    for (const view of INBOX_VIEWS) if (inView(c, view, meId)) counts[view] += 1;
  }
  return counts;
}

/** True when the visitor wrote something no agent has read yet. */
export function isUnread(c: ConversationSummary): boolean {
  return c.lastSeq > c.agentReadSeq && c.lastMessage?.author !== 'agent';
}

/** Waiting conversations with unread visitor messages this agent has not opened: the tab-title count. */
export function unseenWaitingCount(state: ConsoleState): number {
  let n = 0;
  for (const c of Object.values(state.conversations)) {
    if (isWaiting(c) && c.lastSeq > c.agentReadSeq && !state.opened[c.id]) n += 1;
  }
  return n;
}

/** The browser tab title: `(N) Parley console` while N waiting conversations are unseen. */
export function documentTitle(state: ConsoleState): string {
  const n = unseenWaitingCount(state);
  return n > 0 ? `(${n}) Parley console` : 'Parley console';
}

/** The highest seq held for a conversation, 0 when none is loaded. */
export function lastLoadedSeq(state: ConsoleState, conversationId: string): number {
  const list = state.messages[conversationId];
  return list && list.length ? list[list.length - 1]!.seq : 0;
}

/**
 * Where to resume after a reconnect: the last seq of every open conversation whose messages the
 * console holds, the most recently active first, at most `max` of them (the relay's `maxResume`).
 */
export function resumePoints(state: ConsoleState, max: number): ResumePoints {
  const loaded = Object.keys(state.messages)
    .map((id) => state.conversations[id])
    .filter((c): c is ConversationSummary => c !== undefined && c.status === 'open')
    .sort((a, b) => activityAt(b) - activityAt(a))
    .slice(0, max);
  const points: ResumePoints = {};
  for (const c of loaded) points[c.id] = lastLoadedSeq(state, c.id);
  return points;
}

/** The ids of conversations that became waiting between two states: what the chime announces. */
export function newlyWaiting(before: ConsoleState, after: ConsoleState): string[] {
  const ids: string[] = [];
  for (const c of Object.values(after.conversations)) {
    const old = before.conversations[c.id];
    if (isWaiting(c) && (!old || !isWaiting(old))) ids.push(c.id);
  }
  return ids;
}

/** True when the visitor's typing indicator should show at time `now`. */
export function visitorTyping(state: ConsoleState, conversationId: string, now: number): boolean {
  const until = state.typing[conversationId];
  return until !== undefined && until > now;
}

/** True when `m` was written by the signed-in agent. */
export function isOwnMessage(state: ConsoleState, m: Message): boolean {
  return m.author === 'agent' && state.me !== null && m.authorId === state.me.id;
}

/** The co-browse state of a conversation; off when the relay has said nothing about it. */
export function cobrowseOf(state: ConsoleState, conversationId: string): CobrowseStatus {
  return state.cobrowse[conversationId] ?? { ...cobrowseOff(conversationId), live: false };
}
