/**
 * What the browser tells the widget about the link and the visitor: back online or offline, and
 * the tab becoming visible (a backgrounded tab's socket may have died, and what shows now is read).
 */
import { setConnectivity, socketConnectivity } from './connection.js';
import type { WidgetContext } from './context.js';
import { markRead } from './read-receipts.js';

/** Starts listening; returns the function that stops. */
export function watchBrowserSignals(ctx: WidgetContext): () => void {
  const windowOnOnline = () => ctx.socket.reconnectNow();
  const windowOnOffline = () => setConnectivity(ctx, socketConnectivity(ctx));
  const documentOnVisibility = () => {
    if (document.visibilityState !== 'visible') return;
    ctx.socket.reconnectNow();
    markRead(ctx);
  };
  addEventListener('online', windowOnOnline);
  addEventListener('offline', windowOnOffline);
  document.addEventListener('visibilitychange', documentOnVisibility);
  return () => {
    removeEventListener('online', windowOnOnline);
    removeEventListener('offline', windowOnOffline);
    document.removeEventListener('visibilitychange', documentOnVisibility);
  };
}
