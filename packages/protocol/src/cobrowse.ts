/**
 * Co-browse frames: an agent asks, the visitor consents in the widget, the widget records the
 * page with rrweb (masked in the browser) and streams it through the relay to the agents who
 * watch it. The relay forwards page data only while the visitor's consent lasts.
 *
 * Flow: agent `cobrowse.request` -> every visitor tab gets `cobrowse.state` with a `requestId`
 * -> the visitor answers `cobrowse.consent` -> the consenting tab (`source`) records and sends
 * `cobrowse.events` -> agents that sent `cobrowse.join` receive them. Either side sends
 * `cobrowse.end` to stop (scope `view` ends everything; scope `control` ends remote control only).
 */

/** What a consent covers: seeing the page, or also clicking, scrolling and typing on it. */
export type CobrowseScope = 'view' | 'control';

/** Where one scope stands: not asked, asked and waiting for the visitor, or granted. */
export type CobrowsePhase = 'off' | 'requested' | 'active';

/** The scopes, in the order they are granted. */
export const COBROWSE_SCOPES: readonly CobrowseScope[] = ['view', 'control'];

/** The co-browse state of one conversation, as both sides see it. */
export interface CobrowseStatus {
  conversationId: string;
  view: CobrowsePhase;
  /** Remote control; only ever `requested` or `active` while `view` is `active`. */
  control: CobrowsePhase;
  /** The pending request the visitor answers; set while a scope is `requested`, else null. */
  requestId: string | null;
  /** The agent who asked or who is viewing; null when nobody is. */
  agentName: string | null;
  /** When the visitor started sharing; null unless `view` is `active`. */
  since: number | null;
  /**
   * Visitor connections only: true on the one tab that records and sends the page (the tab that
   * consented, found again after a page load by its `hello.tab`).
   */
  source?: boolean;
  /** Agent connections only: true while a sharing tab is connected (false during a page load). */
  live?: boolean;
}

/** A conversation's co-browse state when nothing was asked and nothing is shared. */
export function cobrowseOff(conversationId: string): CobrowseStatus {
  return { conversationId, view: 'off', control: 'off', requestId: null, agentName: null, since: null };
}

/** Agent: asks the visitor to share the page (`view`) or, while sharing, to allow `control`. */
export interface CobrowseRequestFrame {
  type: 'cobrowse.request';
  conversationId: string;
  scope: CobrowseScope;
}

/** Visitor: answers the pending request `requestId`. */
export interface CobrowseConsentFrame {
  type: 'cobrowse.consent';
  conversationId: string;
  requestId: string;
  granted: boolean;
  /** The tab's id (kept in sessionStorage), so sharing resumes after a full page load in it. */
  tab: string;
}

/** Either side: stops sharing (`view`, which also ends control) or only remote control. */
export interface CobrowseEndFrame {
  type: 'cobrowse.end';
  conversationId: string;
  scope: CobrowseScope;
}

/** Agent: starts (or restarts, after a gap) watching; answered with the checkpoint at once. */
export interface CobrowseJoinFrame {
  type: 'cobrowse.join';
  conversationId: string;
}

/** Agent: stops watching (the sharing goes on for other agents). */
export interface CobrowseLeaveFrame {
  type: 'cobrowse.leave';
  conversationId: string;
}

/**
 * Visitor -> relay -> watching agents: one numbered batch of rrweb events, JSON-encoded in
 * `data`. A batch too large for one frame is split: `parts` frames with `part` 0..parts-1, each
 * carrying a slice of the JSON text, with consecutive `seq`. A batch that starts with a full
 * snapshot has `full: true` on every part; it starts a new checkpoint on the relay.
 */
export interface CobrowseEventsFrame {
  type: 'cobrowse.events';
  conversationId: string;
  /** One recording (one page load); a new stream starts with a full snapshot and seq 0. */
  stream: string;
  /** Frame number within the stream, from 0, consecutive. */
  seq: number;
  full?: boolean;
  part?: number;
  parts?: number;
  /** JSON text of an array of rrweb events, or a slice of it when `parts` > 1. */
  data: string;
}

/** Relay -> sharing tab: take a fresh full snapshot (an agent joined or fell behind). */
export interface CobrowseSnapshotFrame {
  type: 'cobrowse.snapshot';
  conversationId: string;
}

/** What an agent's pointer does on the visitor's page. */
export type CobrowsePointerKind = 'pointer' | 'highlight';

/**
 * Agent -> relay -> visitor: a pointer or a highlight drawn on the visitor's page, anchored to
 * the element with rrweb node id `node`; `x` and `y` are fractions (0..1) of its box. Ephemeral.
 */
export interface CobrowsePointerFrame {
  type: 'cobrowse.pointer';
  conversationId: string;
  kind: CobrowsePointerKind;
  node: number;
  x: number;
  y: number;
  /** Set by the relay: who points. */
  agentName?: string;
}

/** A remote-control action. */
export type CobrowseAction = 'click' | 'scroll' | 'input';

/**
 * Agent -> relay -> sharing tab, only while `control` is active: `click` the element `node`
 * (at fractions `x`, `y` of its box when given), `scroll` it (or the page, when `node` is the
 * document) to `x`, `y` pixels, or `input` `value` into an unmasked field.
 */
export interface CobrowseControlFrame {
  type: 'cobrowse.control';
  conversationId: string;
  action: CobrowseAction;
  node: number;
  x?: number;
  y?: number;
  value?: string;
}

/** Relay -> both sides: the conversation's co-browse state changed (or, on connect, is this). */
export interface CobrowseStateFrame {
  type: 'cobrowse.state';
  status: CobrowseStatus;
}

/** Co-browse frames a visitor may send. */
export type VisitorCobrowseFrame = CobrowseConsentFrame | CobrowseEndFrame | CobrowseEventsFrame;

/** Co-browse frames an agent may send. */
export type AgentCobrowseFrame =
  | CobrowseRequestFrame
  | CobrowseEndFrame
  | CobrowseJoinFrame
  | CobrowseLeaveFrame
  | CobrowsePointerFrame
  | CobrowseControlFrame;

/** Co-browse frames the relay sends. */
export type ServerCobrowseFrame =
  | CobrowseStateFrame
  | CobrowseEventsFrame
  | CobrowseSnapshotFrame
  | CobrowsePointerFrame
  | CobrowseControlFrame;

/** Frame types counted against the co-browse rate budget instead of the chat one. */
export const COBROWSE_STREAM_TYPES: ReadonlySet<string> = new Set(['cobrowse.events', 'cobrowse.pointer', 'cobrowse.control']);

/** The mask every masked field value and masked text shows: fixed length, so no length leaks. */
export const COBROWSE_MASK = '••••••••';

/** Elements never captured at all (the widget adds its own host to these). */
export const COBROWSE_BLOCK_SELECTOR = '[data-parley-private], .parley-private';

/** Elements whose text is masked (besides every field value, which always is). */
export const COBROWSE_MASK_TEXT_SELECTOR = '[data-parley-mask], .parley-mask, [contenteditable]:not([contenteditable="false"])';
