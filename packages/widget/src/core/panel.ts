/** Opening and closing the panel, whoever asks: the visitor, the host page or an agent's request. */
import type { WidgetContext } from './context.js';
import { markRead } from './read-receipts.js';

/** Shows or hides the panel and tells the host page. */
export function setPanel(ctx: WidgetContext, open: boolean): void {
  if (open === ctx.open) return;
  ctx.open = open;
  if (open) markRead(ctx);
  ctx.events.emit(open ? 'open' : 'close', undefined);
  ctx.changed();
}
