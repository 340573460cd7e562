/**
 * Read receipts: what the visitor can see counts as read, which clears the unread badge in every
 * tab and tells the agent how far the visitor read.
 */
import type { ClientFrame } from '@parley/protocol';
import type { WidgetContext } from './context.js';

/** Marks the conversation on screen read up to its last message, when the visitor can see it. */
export function markRead(ctx: WidgetContext): void {
  const active = ctx.active;
  // A closed panel or a background tab shows nothing, so nothing was read.
  if (!ctx.open || !active || document.visibilityState === 'hidden') return;
  const last = ctx.store.max(active);
  if (!ctx.read.advance(active, last)) return;
  ctx.socket.send({ type: 'chat.read', conversationId: active, seq: last } satisfies ClientFrame);
  ctx.changed();
}
