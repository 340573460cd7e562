/**
 * The core's side of calls and callbacks: a button, and routing. Everything else (the call's
 * state, WebRTC, the callback form and their words) lives in the call chunk, loaded with
 * `import()` the first time the visitor presses `Start a call` or a call or callback frame
 * arrives; nothing here imports it statically.
 */
import type { CallInput, CallUi } from './call-host.js';
import type { WidgetContext } from './context.js';
import { setPanel } from './panel.js';

/** The call part of the widget's context. */
export interface CallState {
  /** The chunk, once loading started: frames, presses and the slot reach it in order. */
  ui: Promise<CallUi> | null;
  /** The panel's call slot while the panel is open. */
  slot: HTMLElement | null;
}

/** Loads the chunk once per widget; a failed load (network) is retried by the next frame or press. */
function load(ctx: WidgetContext): Promise<CallUi> {
  const state = ctx.call;
  state.ui ??= import('../call/call.js').then((m) => {
    const ui = m.startCall(ctx, () => setPanel(ctx, true));
    ui.place(state.slot);
    return ui;
  });
  state.ui.catch(() => (state.ui = null));
  return state.ui;
}

/** Hands a frame to the chunk, loading it first unless `loadedOnly` (a welcome without calls, an error). */
export function callOnFrame(ctx: WidgetContext, frame: CallInput, loadedOnly?: boolean): void {
  if (!loadedOnly || ctx.call.ui) callDo(ctx, (ui) => ui.take(frame));
}

/** Runs `action` on the chunk, loading it if needed (the `Start a call` press). */
export function callDo(ctx: WidgetContext, action: (ui: CallUi) => void): void {
  load(ctx).then(action, () => undefined);
}
