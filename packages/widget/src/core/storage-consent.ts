/**
 * When the widget may write to the host page's storage: after the visitor first interacts (or at
 * boot with `persist`). Until then every part keeps its state in memory; `allowStorage` writes
 * it all at once.
 */
import type { WidgetContext } from './context.js';

/** The visitor interacted (or another tab says they did): keep the session from now on. */
export function allowStorage(ctx: WidgetContext): void {
  if (ctx.storage.allowed) return;
  ctx.storage.allow();
  persistAll(ctx);
}

/** Writes the token, read positions and outbox (the memory copies reach storage). */
export function persistAll(ctx: WidgetContext): void {
  if (ctx.token) ctx.storage.write('token', ctx.token);
  ctx.read.persist();
  ctx.outbox.persist();
}
