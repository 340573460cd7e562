/**
 * The contract between the widget core and its lazily loaded co-browse chunk. Types only: the
 * core loads the chunk with `import()` after the visitor consents and drives it through these.
 */
import type { ClientFrame, CobrowseControlFrame, CobrowsePointerFrame } from '@parley/protocol';

/** What the core gives the co-browse chunk. */
export interface CobrowseHost {
  /** The conversation whose agents watch. */
  readonly conversationId: string;
  /** The site's `cobrowse.unmask` selectors: fields whose values agents may see. */
  readonly unmask: readonly string[];
  /**
   * An empty element in the widget's shadow root, where the agent's pointer is drawn (null before
   * the UI mounts). It exists before recording starts, so nothing drawn in it is ever recorded.
   */
  readonly layer: HTMLElement | null;
  /** Sends a frame; false when the link is down (the frame is dropped). */
  send(frame: ClientFrame): boolean;
  /** Whether the visitor currently allows remote control (per the relay's last state). */
  controlling(): boolean;
}

/** A running recording, as the core drives it. */
export interface CobrowseSession {
  /** The relay asks for a fresh full snapshot (an agent joined or fell behind). */
  snapshot(): void;
  /** Starts a new stream with a full snapshot (after a reconnect, when frames may have been lost). */
  restart(): void;
  /** Draws an agent's pointer or highlight. */
  pointer(frame: CobrowsePointerFrame): void;
  /** Runs a remote-control action, when control is allowed. */
  control(frame: CobrowseControlFrame): void;
  /** Stops recording and removes everything drawn. */
  stop(): void;
}

/** The chunk's entry point. */
export type StartCobrowse = (host: CobrowseHost) => CobrowseSession;
