/**
 * The socket's side of the widget: where it connects, the hello that opens every connection,
 * and how the link's state shows to the visitor.
 */
import { PROTOCOL_VERSION } from '@parley/protocol';
import type { HelloFrame } from '@parley/protocol';
import { cobrowseOnDisconnect } from './cobrowse.js';
import { readTab } from './cobrowse-tab.js';
import type { WidgetContext } from './context.js';
import { startResume } from './conversation-sync.js';
import { currentPage } from './page-tracker.js';
import type { ConnectionState } from './socket.js';
import type { Connectivity } from './view.js';

/** The WebSocket URL, with the current token (read at every attempt: it may have changed). */
export function socketUrl(ctx: WidgetContext): string {
  return `${ctx.origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(ctx.token ?? '')}`;
}

/** The hello of a new connection: the page, the language, where to resume and the co-browse tab. */
export function buildHello(ctx: WidgetContext): HelloFrame {
  const hello: HelloFrame = { type: 'hello', v: PROTOCOL_VERSION, page: currentPage(), language: navigator.language };
  const resume = startResume(ctx);
  if (resume) hello.resume = resume;
  // A tab that shared before (this page load or an earlier one) says so, to resume sharing.
  const tab = readTab(ctx.options.siteKey);
  if (tab) hello.tab = tab;
  ctx.outbox.connectionStarted();
  return hello;
}

/** A dropped link fails what was in flight and silences the agent's typing line. */
export function socketOnState(ctx: WidgetContext, state: ConnectionState): void {
  if (state === 'closed' || state === 'stopped') {
    ctx.outbox.connectionLost();
    ctx.agentTyping.update(false);
    cobrowseOnDisconnect(ctx);
  }
  setConnectivity(ctx, socketConnectivity(ctx));
}

/** How the socket's state reads to the visitor. */
export function socketConnectivity(ctx: WidgetContext): Connectivity {
  const state = ctx.socket.state;
  if (state === 'open') return 'online';
  // Stopped by `stop()` is not an outage; stopped by the relay is.
  if (state === 'stopped') return ctx.stopped ? 'connecting' : 'unavailable';
  if (!ctx.ready && state === 'connecting') return 'connecting';
  return navigator.onLine === false ? 'offline' : 'reconnecting';
}

/** Shows a connectivity to the visitor. */
export function setConnectivity(ctx: WidgetContext, value: Connectivity): void {
  if (value === ctx.connectivity) return;
  ctx.connectivity = value;
  ctx.changed();
}
