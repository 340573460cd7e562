/**
 * The contract between the widget core and its lazily loaded call chunk. Types only: the core
 * loads the chunk with `import()` when the visitor presses `Start a call` or the first call or
 * callback frame arrives, hands it every such frame and drives it through these.
 */
import type { ErrorFrame, ServerCallFrame, WelcomeFrame } from '@parley/protocol';
import type { WidgetContext } from './context.js';

/** The frames the chunk takes: call and callback frames, the welcome (its calls and callbacks) and errors. */
export type CallInput = ServerCallFrame | WelcomeFrame | ErrorFrame;

/**
 * What the call chunk reads of the widget, live: its language, the socket to send on, the
 * conversation on screen (null before the visitor's first message made one), the agents online
 * (-1: unknown), the pointer layer (whose parent is the shadow root, where the remote audio and
 * the floating call bar go) and the events (the public `call` event).
 */
export type CallHost = Pick<WidgetContext, 'language' | 'socket' | 'active' | 'agentsOnline' | 'layer' | 'events'>;

/** The running call chunk, as the core drives it. */
export interface CallUi {
  /** A frame for the chunk (errors and welcomes only reach a chunk already loaded, unless it lists calls or callbacks). */
  take(frame: CallInput): void;
  /** The visitor pressed `Start a call` (the callback form opens instead while no agent is online). */
  start(): void;
  /** The panel's call slot appeared (the panel opened) or went away (null). */
  place(slot: HTMLElement | null): void;
  /** Ends any call, releases the microphone and removes everything the chunk drew. */
  stop(): void;
}

/** The chunk's entry point; `open` opens the panel (an agent is calling). */
export type StartCall = (host: CallHost, open: () => void) => CallUi;
