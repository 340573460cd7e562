/**
 * Tabs of the same site share one visitor: when another tab writes a slot (a `storage` event),
 * this tab takes its outbox, its read positions, or its session.
 */
import type { WidgetContext } from './context.js';
import { forgetConversations } from './conversation-sync.js';
import type { StorageSlot } from './gated-storage.js';
import { setToken } from './session-refresh.js';
import { allowStorage } from './storage-consent.js';

/** Applies another tab's write of `slot` (`value` null when it was removed). */
export function storageOnChange(ctx: WidgetContext, slot: StorageSlot, value: string | null): void {
  if (slot === 'outbox') {
    ctx.outbox.reload(value);
    return;
  }
  if (slot === 'state') {
    if (ctx.read.merge(value)) ctx.changed();
    return;
  }
  if (value === null || value === ctx.token) return;
  // Another tab has a session (the visitor interacted there): share it, and its consent.
  setToken(ctx, value);
  allowStorage(ctx);
  forgetConversations(ctx);
  ctx.socket.start();
}
