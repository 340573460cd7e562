/**
 * One booted widget as its parts see it: the stores, the socket and the few values they share.
 * The parts are plain functions over this context, one file per concern; `widget.ts` builds it.
 */
import type { ConversationSummary } from '@parley/protocol';
import type { AgentTyping } from './agent-typing.js';
import type { BootOptions } from './boot-options.js';
import type { CallState } from './call.js';
import type { CobrowseState } from './cobrowse.js';
import type { ConversationStore } from './conversation-store.js';
import type { Emitter } from './emitter.js';
import type { GatedStorage } from './gated-storage.js';
import type { Language } from './i18n.js';
import type { Outbox } from './outbox.js';
import type { ReadState } from './read-state.js';
import type { RelaySocket } from './socket.js';
import type { Connectivity } from './view.js';
import type { VisitorReports } from './visitor-reports.js';
import type { WidgetEvents } from './widget-events.js';

/** The widget's shared state and parts. */
export interface WidgetContext {
  /** The relay's origin, e.g. `https://chat.example.com`. */
  readonly origin: string;
  readonly options: BootOptions;
  readonly language: Language;
  readonly events: Emitter<WidgetEvents>;
  readonly storage: GatedStorage;
  readonly socket: RelaySocket;
  readonly outbox: Outbox;
  readonly store: ConversationStore;
  readonly read: ReadState;
  readonly agentTyping: AgentTyping;
  readonly reports: VisitorReports;
  readonly cobrowse: CobrowseState;
  readonly call: CallState;
  /** The visitor's conversations as the relay last described them. */
  readonly summaries: Map<string, ConversationSummary>;
  /** Conversations whose full history is loading: their messages are not announced as new. */
  readonly historyLoads: Set<string>;
  /** Conversations with a `chat.sync` in flight on this connection. */
  readonly syncing: Set<string>;
  /** Conversations the current hello resumed: the relay replays them, no gap check needed. */
  readonly resumed: Set<string>;
  /** The visitor token, or null before the first session. */
  token: string | null;
  visitorId: string;
  /** The conversation on screen. */
  active: string | null;
  open: boolean;
  /** The UI's overlay element in its shadow root, once mounted (co-browse draws the agent's pointer there). */
  layer: HTMLElement | null;
  /** Agents online, or -1 while the relay has not said. */
  agentsOnline: number;
  connectivity: Connectivity;
  /** The relay welcomed us once (`ready` was emitted). */
  ready: boolean;
  /** `stop()` ran: nothing may reconnect or write any more. */
  stopped: boolean;
  /** A fresh session was tried after a 4001 close; a second one will not help. */
  refreshedAfterFatal: boolean;
  /** The console was told the relay cannot be reached (said once per page). */
  reportedUnreachable: boolean;
  /** Something the view shows changed; the UI re-renders once per task. */
  changed(): void;
}
