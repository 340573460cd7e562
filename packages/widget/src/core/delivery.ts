/**
 * Delivery of the visitor's messages over the outbox: entries go out while the link is up, are
 * resent when no ack came within `ACK_TIMEOUT_MS`, and settle when their ack, or their echo
 * from another connection of the same visitor, arrives. A resend carries the same client id, so
 * the relay never stores it twice.
 */
import { RETRYABLE_ERROR_CODES, type ChatAckFrame, type ClientFrame, type ErrorFrame, type Message } from '@parley/protocol';
import type { WidgetContext } from './context.js';

/** How long a sent message may wait for its ack before it is resent (and shown as retrying). */
export const ACK_TIMEOUT_MS = 10_000;
/** How often the outbox is checked for messages to resend. */
export const RETRY_TICK_MS = 2_500;

/** Puts a checked, trimmed text in the outbox and sends it if the link is up. */
export function enqueue(ctx: WidgetContext, text: string): void {
  // Writing into the conversation on screen keeps one timeline (the relay reopens it if resolved).
  const entry = ctx.outbox.add(text, ctx.active ?? undefined);
  const state = ctx.socket.state;
  if (state === 'closed' || state === 'stopped') ctx.outbox.markFailed(entry.clientId);
  flushOutbox(ctx);
}

/** Hands due entries to the socket; runs on welcome, on send and every `RETRY_TICK_MS`. */
export function flushOutbox(ctx: WidgetContext): void {
  if (ctx.socket.state !== 'open') return;
  const now = Date.now();
  for (const entry of ctx.outbox.due(now, ACK_TIMEOUT_MS)) {
    const frame: ClientFrame = { type: 'chat.send', clientId: entry.clientId, text: entry.text };
    if (entry.conversationId) frame.conversationId = entry.conversationId;
    if (ctx.socket.send(frame)) ctx.outbox.markSent(entry.clientId, now);
  }
}

/** Starts the resend timer; returns the function that stops it. */
export function startRetrying(ctx: WidgetContext): () => void {
  const timer = setInterval(() => flushOutbox(ctx), RETRY_TICK_MS);
  return () => clearInterval(timer);
}

/** Settles an acked entry; returns the message it became, or undefined for an ack already settled. */
export function settleAck(ctx: WidgetContext, frame: ChatAckFrame): Message | undefined {
  const entry = ctx.outbox.ack(frame.clientId);
  if (!entry) return undefined;
  return {
    id: frame.messageId,
    conversationId: frame.conversationId,
    seq: frame.seq,
    clientId: frame.clientId,
    at: frame.at,
    author: 'visitor',
    authorId: ctx.visitorId,
    text: entry.text,
  };
}

/** Settles entries whose message arrived as a message (another tab's fan-out, a replay) rather than an ack. */
export function settleEchoes(ctx: WidgetContext, messages: readonly Message[]): void {
  for (const m of messages) {
    if (m.author === 'visitor' && m.clientId && ctx.outbox.has(m.clientId)) ctx.outbox.ack(m.clientId);
  }
}

/**
 * The relay refused an entry: it shows as failed and is retried. When the conversation is not
 * the visitor's to write to (any more), the retry lets the relay pick one instead. A refusal
 * that says "not now" (the relay's database unreachable, too many frames) is retried at the
 * next tick, as it is, and further apart when it keeps coming (`retryDelayMs`): it never
 * becomes a message lost or stuck, nor one that hammers the relay.
 */
export function refuseEntry(ctx: WidgetContext, frame: ErrorFrame): void {
  if (!frame.ref || !ctx.outbox.has(frame.ref)) return;
  if (frame.code === 'forbidden' || frame.code === 'not_found') ctx.outbox.retarget(frame.ref);
  if (RETRYABLE_ERROR_CODES.has(frame.code)) return ctx.outbox.retrySoon(frame.ref);
  ctx.outbox.markFailed(frame.ref);
}
