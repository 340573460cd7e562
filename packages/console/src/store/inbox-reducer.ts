/**
 * How conversation summaries reach the console state: whole summaries (`conversation.updated`,
 * `inbox.updates`, lists) and what a new message moves (`inbox.activity`). A frame of a busy
 * inbox names hundreds of conversations while the console holds thousands, so one frame copies
 * the conversations map, and the visitors map, at most once, never once per entry.
 */
import type { ConversationActivity, ConversationSummary } from '@parley/protocol';
import type { ConsoleState } from './state.js';

/** True when `c` is an older snapshot than `held`, so applying it would roll the conversation back. */
function olderSummary(held: ConversationSummary, c: ConversationSummary): boolean {
  // A whole summary also carries status and assignee, which move without a message (and without
  // a new seq): only one older by both measures is a crossed frame.
  return held.updatedAt > c.updatedAt && held.lastSeq > c.lastSeq;
}

/**
 * Upserts whole summaries into the conversations, copying the map once; an older snapshot than
 * the one held is skipped (frames can cross on the wire).
 */
export function upsertConversations(state: ConsoleState, list: readonly ConversationSummary[]): ConsoleState {
  if (list.length === 0) return state;
  const conversations = { ...state.conversations };
  for (const c of list) {
    const old = conversations[c.id];
    if (old && olderSummary(old, c)) continue;
    conversations[c.id] = c;
  }
  return { ...state, conversations };
}

/** A whole summary in place of the held one, unless it is older. */
function withSummary(held: ConversationSummary | undefined, c: ConversationSummary): ConversationSummary {
  return held && olderSummary(held, c) ? held : c;
}

/**
 * The held summary moved by one message's activity. Stricter than for whole summaries: an entry
 * with a lower seq than the one held is skipped whatever its time says. The seq is the store's
 * gapless per-conversation order, while `updatedAt` is one relay node's clock (nodes' clocks
 * differ, and a status change moves it too), so "older by both" would let an older message's
 * entry through when the clocks disagree, putting back an older preview and a lower seq (the
 * unread mark and the catch-up of an open conversation read it). Nothing else is lost by skipping
 * it: an entry carries only what a message moves. At the same seq it is the same message, so
 * only the time may move, and never back.
 */
function withActivity(held: ConversationSummary | undefined, a: ConversationActivity): ConversationSummary | undefined {
  if (!held || a.lastSeq < held.lastSeq) return held;
  const updatedAt = Math.max(held.updatedAt, a.updatedAt);
  if (a.lastSeq === held.lastSeq) return updatedAt === held.updatedAt ? held : { ...held, updatedAt };
  return { ...held, updatedAt, lastSeq: a.lastSeq, lastMessage: a.lastMessage };
}

/**
 * Applies `list` to the held conversations through `merge` (the next summary of one, or
 * undefined to leave it out), and keeps each visitor's "past conversations" list showing what
 * the state holds. The maps are copied on the first change of each, so the result equals
 * applying the entries one by one.
 */
function applyEach<T extends { id: string }>(
  state: ConsoleState,
  list: readonly T[],
  merge: (held: ConversationSummary | undefined, entry: T) => ConversationSummary | undefined,
): ConsoleState {
  let conversations = state.conversations;
  let visitors = state.visitors;
  for (const entry of list) {
    const held = conversations[entry.id];
    const next = merge(held, entry);
    if (!next) continue;
    if (next !== held) {
      if (conversations === state.conversations) conversations = { ...conversations };
      conversations[entry.id] = next;
    }
    const ctx = visitors[next.visitorId];
    if (!ctx) continue;
    const at = ctx.past.findIndex((p) => p.id === next.id);
    // Listed and unchanged: nothing to show. A conversation of the visitor not listed yet is added.
    if (at >= 0 && (next === held || ctx.past[at] === next)) continue;
    const past = at >= 0 ? ctx.past.map((p, i) => (i === at ? next : p)) : [next, ...ctx.past];
    if (visitors === state.visitors) visitors = { ...visitors };
    visitors[next.visitorId] = { ...ctx, past };
  }
  if (conversations === state.conversations && visitors === state.visitors) return state;
  return { ...state, conversations, visitors };
}

/** Whole summaries from `conversation.updated` or `inbox.updates`. */
export function onSummaries(state: ConsoleState, list: readonly ConversationSummary[]): ConsoleState {
  return applyEach(state, list, withSummary);
}

/**
 * What messages moved, from `inbox.activity`, merged into the conversations the state holds;
 * the others are left out here (the session asks for them whole).
 */
export function onActivity(state: ConsoleState, list: readonly ConversationActivity[]): ConsoleState {
  return applyEach(state, list, withActivity);
}
