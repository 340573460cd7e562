/**
 * Keeps the conversation on screen complete and current: takes messages from every source
 * (live, ack, replay, resync), follows the newest conversation, loads a conversation's history
 * the first time it is seen, resumes from the last seq held after a reconnect, and resyncs when
 * the seqs show a hole.
 */
import type { ChatMessagesFrame, ClientFrame, ConversationSummary, Message, ResumePoints } from '@parley/protocol';
import type { WidgetContext } from './context.js';
import { settleEchoes } from './delivery.js';
import { markRead } from './read-receipts.js';
import { toPublicMessage } from './widget-events.js';

/** Adds messages, settling the outbox; `announce` emits them to the host page as new. */
export function receive(ctx: WidgetContext, messages: readonly Message[], announce: boolean): void {
  settleEchoes(ctx, messages);
  const added = ctx.store.add(messages);
  for (const m of added) {
    if (!ctx.active || (m.conversationId !== ctx.active && isNewer(ctx, m.conversationId))) ctx.active = m.conversationId;
    if (m.author === 'agent' && m.conversationId === ctx.active) ctx.agentTyping.update(false);
    if (announce) ctx.events.emit('message', toPublicMessage(m));
  }
  for (const id of new Set(messages.map((m) => m.conversationId))) checkGap(ctx, id);
  if (added.length) {
    markRead(ctx);
    ctx.changed();
  }
}

/** Takes a replay (`chat.messages`); a partial page asks for the next one. */
export function receiveReplay(ctx: WidgetContext, frame: ChatMessagesFrame): void {
  const { conversationId, messages } = frame;
  ctx.syncing.delete(conversationId);
  // History shown for the first time is not news; a replay of what was missed while away is.
  receive(ctx, messages, !ctx.historyLoads.has(conversationId));
  const last = messages.length ? messages[messages.length - 1]!.seq : null;
  if (!frame.complete && last !== null) {
    requestSync(ctx, conversationId, last);
    return;
  }
  ctx.historyLoads.delete(conversationId);
}

/** Takes conversation summaries (welcome, identified, updated) and fetches what is missing. */
export function takeConversations(ctx: WidgetContext, list: readonly ConversationSummary[]): void {
  for (const c of list) {
    const known = ctx.summaries.get(c.id);
    if (!known || c.updatedAt >= known.updatedAt) ctx.summaries.set(c.id, c);
    // The visitor may have read further on another device.
    ctx.read.raise(c.id, c.visitorReadSeq);
  }
  const newest = [...ctx.summaries.values()].sort((a, b) => b.createdAt - a.createdAt)[0];
  if (newest && (!ctx.active || isNewer(ctx, newest.id))) ctx.active = newest.id;
  const active = ctx.active;
  if (active) {
    const summary = ctx.summaries.get(active);
    if (!ctx.store.has(active)) {
      // First sight of the conversation (a reload, another device): fetch its history from 0.
      ctx.store.touch(active);
      if (summary && summary.lastSeq > 0) {
        ctx.historyLoads.add(active);
        requestSync(ctx, active, 0);
      }
    } else if (!ctx.resumed.has(active)) {
      checkGap(ctx, active, summary?.lastSeq);
    }
  }
  ctx.resumed.clear();
  ctx.changed();
}

/**
 * A new connection starts: syncs in flight died with the old one. Returns the resume points for
 * the hello (the relay replays everything after each), or undefined when there are none.
 */
export function startResume(ctx: WidgetContext): ResumePoints | undefined {
  ctx.resumed.clear();
  ctx.syncing.clear();
  const active = ctx.active;
  // A history still loading is finished by a resync instead: its replay must not be announced.
  if (!active || !ctx.store.has(active) || ctx.historyLoads.has(active)) return undefined;
  ctx.resumed.add(active);
  return { [active]: ctx.store.contiguous(active) };
}

/** Forgets every conversation (another visitor's session took over this tab). */
export function forgetConversations(ctx: WidgetContext): void {
  ctx.store.clear();
  ctx.summaries.clear();
  ctx.historyLoads.clear();
  ctx.active = null;
}

function checkGap(ctx: WidgetContext, conversationId: string, knownLast = 0): void {
  if (conversationId !== ctx.active || !ctx.store.has(conversationId)) return;
  const after = ctx.store.missingAfter(conversationId, knownLast);
  if (after !== null) requestSync(ctx, conversationId, after);
}

function requestSync(ctx: WidgetContext, conversationId: string, afterSeq: number): void {
  if (ctx.syncing.has(conversationId)) return;
  if (ctx.socket.send({ type: 'chat.sync', conversationId, afterSeq } satisfies ClientFrame)) {
    ctx.syncing.add(conversationId);
  }
}

/** True when the conversation started after the one on screen (or nothing known is on screen). */
function isNewer(ctx: WidgetContext, conversationId: string): boolean {
  const candidate = ctx.summaries.get(conversationId);
  const current = ctx.active ? ctx.summaries.get(ctx.active) : undefined;
  if (!current) return true;
  return candidate !== undefined && candidate.createdAt > current.createdAt;
}
