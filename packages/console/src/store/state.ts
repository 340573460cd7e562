/**
 * The console's state: everything the screens show, derived only from relay frames and the
 * agent's own actions (see `reducer.ts`).
 */
import type {
  AgentProfile,
  CallInfo,
  CallQuality,
  Callback,
  CobrowseStatus,
  ConversationSummary,
  InboxView,
  Message,
  PageView,
  TrackedEvent,
  VisitorProfile,
} from '@parley/protocol';

/** What the inbox column shows: a view of conversations, or the callback tasks. */
export type ConsoleView = InboxView | 'callbacks';

/** How well the agent's call carries audio, judged from packet loss and round-trip time. */
/** How a call's line sounds (the protocol's shared grading). */
export type { CallQuality };

/**
 * The agent's own side of the call it takes part in: the microphone and the media link. Set by
 * the session's call channel (it owns the peer connection); the relay knows nothing of it.
 */
export interface CallMediaState {
  callId: string;
  /** `pending` while the browser asks for the microphone. */
  microphone: 'pending' | 'ready';
  muted: boolean;
  /** Null until the first statistics arrive. */
  quality: CallQuality | null;
}

/** Where the WebSocket stands, as the status pill shows it. */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

/** A reply the agent sent that the relay has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  conversationId: string;
  text: string;
  createdAt: number;
  /** `sending` while it may still be acked; `failed` while disconnected or after a refusal. */
  status: 'sending' | 'failed';
  /** Set when the relay refused it (too long, forbidden): it is not retried automatically. */
  permanent?: boolean;
  /** The relay's reason, for a permanent failure. */
  error?: string;
}

/** What the relay told us about one visitor: profile plus the trail shown in the context panel. */
export interface VisitorContext {
  profile: VisitorProfile;
  /** Pages viewed, newest first. */
  pages: PageView[];
  /** Tracked events, newest first. */
  events: TrackedEvent[];
  /** The visitor's conversations, newest first (may include the one being viewed). */
  past: ConversationSummary[];
}

/** The whole console state. */
export interface ConsoleState {
  /** The signed-in agent, once the relay welcomed us. */
  me: AgentProfile | null;
  connection: ConnectionStatus;
  agentsOnline: number;
  /** Every conversation known to the console, by id. */
  conversations: Record<string, ConversationSummary>;
  /** Messages by conversation, ascending seq; present only for conversations opened in this session. */
  messages: Record<string, Message[]>;
  /** Unacknowledged replies, in the order they were written. */
  outbox: PendingMessage[];
  /** Visitor context by visitor id. */
  visitors: Record<string, VisitorContext>;
  /** Conversation id -> time until which "Visitor is typing…" shows. */
  typing: Record<string, number>;
  view: ConsoleView;
  selectedId: string | null;
  /** Conversations this agent opened in this session (they no longer count as unseen). */
  opened: Record<string, true>;
  /** The last relay error not tied to a reply, shown as a dismissible notice. */
  notice: string | null;
  /**
   * Co-browse state by conversation id, as the relay last said. The page data itself never
   * enters the state: the session hands it straight to the mounted viewer.
   */
  cobrowse: Record<string, CobrowseStatus>;
  /** Calls not ended, by conversation id, as the relay last said (an ended call is removed). */
  calls: Record<string, CallInfo>;
  /** Calls this agent declined while they rang elsewhere (the relay only stops ringing here). */
  declinedCalls: Record<string, true>;
  /** The agent's microphone and media link while it takes part in a call. */
  callMedia: CallMediaState | null;
  /** Callback tasks by id: every one the relay told this console about. */
  callbacks: Record<string, Callback>;
  /** Relay clock minus this browser's clock (from welcome), so call timers read the relay's times right. */
  clockOffset: number;
}

/** The state of a console before anything arrived. */
export function initialState(outbox: PendingMessage[] = []): ConsoleState {
  return {
    me: null,
    connection: 'connecting',
    agentsOnline: 0,
    conversations: {},
    messages: {},
    outbox,
    visitors: {},
    typing: {},
    view: 'waiting',
    selectedId: null,
    opened: {},
    notice: null,
    cobrowse: {},
    calls: {},
    declinedCalls: {},
    callMedia: null,
    callbacks: {},
    clockOffset: 0,
  };
}
