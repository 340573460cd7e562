/**
 * Every frame of the wire protocol, defined once. Frames are JSON text with a string `type`.
 * Client frames are validated by `parseClientFrame` before the relay uses them.
 */
import type {
  AgentProfile,
  Attributes,
  ConversationSummary,
  Message,
  PageView,
  TrackedEvent,
  VisitorProfile,
} from './model.js';
import type { ErrorCode } from './errors.js';
import type { AgentCallFrame, CallInfo, Callback, ServerCallFrame, VisitorCallFrame } from './call.js';
import type { AgentCobrowseFrame, CobrowseStatus, ServerCobrowseFrame, VisitorCobrowseFrame } from './cobrowse.js';

/** Where a client was in each conversation: conversation id -> last seq it holds. */
export type ResumePoints = Record<string, number>;

/** Opens every connection, visitor or agent. */
export interface HelloFrame {
  type: 'hello';
  v: number;
  /** Conversations to catch up: the relay replays every message after the given seq. */
  resume?: ResumePoints;
  /** Visitor only: the page the widget runs on. */
  page?: { url: string; title: string; referrer?: string };
  /** Visitor only: the browser's language (BCP 47). */
  language?: string;
  /**
   * Visitor only: this tab's id, once the visitor agreed to co-browse in it (kept in the tab's
   * sessionStorage). A tab that was sharing resumes sharing after a full page load.
   */
  tab?: string;
}

/** Sends a chat message. A visitor may omit `conversationId`: the relay uses the open one or starts one. */
export interface ChatSendFrame {
  type: 'chat.send';
  clientId: string;
  conversationId?: string;
  text: string;
}

/** Says the sender started or stopped typing. Ephemeral. */
export interface ChatTypingFrame {
  type: 'chat.typing';
  conversationId: string;
  typing: boolean;
}

/** Marks every message up to `seq` as read by the sender's side. */
export interface ChatReadFrame {
  type: 'chat.read';
  conversationId: string;
  seq: number;
}

/** Asks for the messages after `afterSeq` (a resync after a gap). Answered by `chat.messages`. */
export interface ChatSyncFrame {
  type: 'chat.sync';
  conversationId: string;
  afterSeq: number;
}

/** Visitor: names the host page's user; `userHash` (HMAC-SHA256 of userId, hex) proves it. */
export interface VisitorIdentifyFrame {
  type: 'visitor.identify';
  userId?: string;
  userHash?: string;
  name?: string;
  email?: string;
  attributes?: Attributes;
}

/** Visitor: the page changed (full load or in-page route). */
export interface VisitorPageFrame {
  type: 'visitor.page';
  url: string;
  title: string;
  referrer?: string;
}

/** Visitor: the host page tracked an event. */
export interface VisitorTrackFrame {
  type: 'visitor.track';
  event: string;
  props?: Attributes;
}

/** Agent: opens a conversation; answered by `conversation.detail`. */
export interface ConversationOpenFrame {
  type: 'conversation.open';
  conversationId: string;
}

/** Agent: takes a conversation (or gives it to `agentId`, supervisors and admins only). */
export interface ConversationAssignFrame {
  type: 'conversation.assign';
  conversationId: string;
  agentId?: string;
}

/** Agent: resolves or reopens a conversation. */
export interface ConversationStatusFrame {
  type: 'conversation.resolve' | 'conversation.reopen';
  conversationId: string;
}

/** Agent: lists an inbox view; answered by `inbox.items`. */
export interface InboxListFrame {
  type: 'inbox.list';
  view: InboxView;
  /** For paging: only conversations updated before this time. */
  before?: number;
}

/**
 * Agent: the full summaries of these conversations, answered by `inbox.updates` (holding those
 * the agent may see; the others are left out, as if they did not exist). A console asks for the
 * conversations an `inbox.activity` named that it did not hold.
 */
export interface InboxFetchFrame {
  type: 'inbox.fetch';
  /** One to `MAX_INBOX_FETCH` conversation ids. */
  conversationIds: string[];
}

/** Most conversations one `inbox.fetch` may ask for. */
export const MAX_INBOX_FETCH = 100;

/** The inbox views of the console. */
export type InboxView = 'waiting' | 'mine' | 'open' | 'resolved';

/** The inbox views, in console order. */
export const INBOX_VIEWS: readonly InboxView[] = ['waiting', 'mine', 'open', 'resolved'];

/** Application-level heartbeat from the client (browsers cannot see WebSocket pings). */
export interface PingFrame {
  type: 'ping';
  t?: number;
}

/** Every frame a visitor may send. */
export type VisitorFrame =
  | HelloFrame
  | ChatSendFrame
  | ChatTypingFrame
  | ChatReadFrame
  | ChatSyncFrame
  | VisitorIdentifyFrame
  | VisitorPageFrame
  | VisitorTrackFrame
  | VisitorCobrowseFrame
  | VisitorCallFrame
  | PingFrame;

/** Every frame an agent may send. */
export type AgentFrame =
  | HelloFrame
  | ChatSendFrame
  | ChatTypingFrame
  | ChatReadFrame
  | ChatSyncFrame
  | ConversationOpenFrame
  | ConversationAssignFrame
  | ConversationStatusFrame
  | InboxListFrame
  | InboxFetchFrame
  | AgentCobrowseFrame
  | AgentCallFrame
  | PingFrame;

/** Every frame a client may send. */
export type ClientFrame = VisitorFrame | AgentFrame;

/** The `type` tags of client frames. */
export type ClientFrameType = ClientFrame['type'];

// ---------------------------------------------------------------------------------------------
// Relay -> client

/** First frame from the relay after a valid `hello`. */
export interface WelcomeFrame {
  type: 'welcome';
  v: number;
  role: 'visitor' | 'agent';
  /** Visitor connections: the visitor; agent connections: the agent. */
  visitor?: VisitorProfile;
  agent?: AgentProfile;
  /** Visitor: their conversations, newest first. Agent: the open conversations of their sites. */
  conversations: ConversationSummary[];
  /**
   * Visitor: how many agents serving its site are online, for the "we reply in" line. Agent: how
   * many agents are online on the relay.
   */
  agentsOnline?: number;
  /**
   * Visitor: the co-browse state of each of its conversations that is not all off, as this
   * connection sees it (a pending request, or sharing it resumes). Any other conversation is off,
   * whatever the widget believed before (a relay restart ends co-browse sessions).
   */
  cobrowse?: CobrowseStatus[];
  /**
   * Calls not ended that this connection is concerned with: visitor, its conversations' calls;
   * agent, calls ringing for them or that they are in. A reconnecting participant finds its call.
   */
  calls?: CallInfo[];
  /** Visitor: its callback requests not yet done, newest first. */
  callbacks?: Callback[];
  serverTime: number;
}

/** The relay wrote the message durably; `seq` is its place in the conversation. */
export interface ChatAckFrame {
  type: 'chat.ack';
  clientId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  at: number;
}

/** A new message in a conversation the receiver takes part in. */
export interface ChatMessageFrame {
  type: 'chat.message';
  message: Message;
}

/** Replayed messages, answering `hello.resume`, `chat.sync` or `conversation.open`. */
export interface ChatMessagesFrame {
  type: 'chat.messages';
  conversationId: string;
  messages: Message[];
  /** False when more remain after the last one: ask again from its seq. */
  complete: boolean;
}

/** The other side started or stopped typing. */
export interface ChatTypingOutFrame {
  type: 'chat.typing';
  conversationId: string;
  typing: boolean;
  from: 'visitor' | 'agent';
  name?: string;
}

/** The other side read up to `seq`. */
export interface ChatReadOutFrame {
  type: 'chat.read';
  conversationId: string;
  seq: number;
  by: 'visitor' | 'agent';
}

/** A conversation changed (new, assigned, resolved, reopened, new message). */
export interface ConversationUpdatedFrame {
  type: 'conversation.updated';
  conversation: ConversationSummary;
}

/**
 * Agent: full summaries of several conversations (answering `inbox.fetch`, or what changed while
 * a relay node was cut off from the others). Apply each as a `conversation.updated`.
 */
export interface InboxUpdatesFrame {
  type: 'inbox.updates';
  conversations: ConversationSummary[];
}

/** What a new message moves in a conversation's summary: the rest stays as the agent holds it. */
export type ConversationActivity = Pick<ConversationSummary, 'id' | 'updatedAt' | 'lastSeq' | 'lastMessage'>;

/**
 * Agent: the conversations that had ordinary activity (new messages) during the last
 * announcement window, the latest state of each, batched across conversations so a busy inbox
 * costs one frame per window instead of one per message. Only what a message moves is sent: a
 * console holding the conversation merges it (never rolling one back); one it does not hold, it
 * asks for with `inbox.fetch`. New conversations and status or assignee changes come whole, at
 * once, as `conversation.updated`.
 */
export interface InboxActivityFrame {
  type: 'inbox.activity';
  conversations: ConversationActivity[];
}

/** Agent: everything about one conversation, answering `conversation.open`. */
export interface ConversationDetailFrame {
  type: 'conversation.detail';
  conversation: ConversationSummary;
  messages: Message[];
  visitor: VisitorProfile;
  pages: PageView[];
  events: TrackedEvent[];
  /** The visitor's other conversations, newest first. */
  past: ConversationSummary[];
  /** The conversation's co-browse state. */
  cobrowse: CobrowseStatus;
  /** The conversation's call, while one is not ended. */
  call?: CallInfo | null;
  /** The conversation's callback requests, newest first. */
  callbacks?: Callback[];
}

/**
 * Agent: a visitor's profile changed (page, identity, presence). The relay sends at most one
 * per visitor per window (`visitorUpdateWindowMs`), with the latest profile and what happened
 * in the window.
 */
export interface VisitorUpdatedFrame {
  type: 'visitor.updated';
  visitor: VisitorProfile;
  /** The page views of the window, oldest first; absent when there was none. */
  pages?: PageView[];
  /** The tracked events of the window, oldest first; absent when there was none. */
  events?: TrackedEvent[];
}

/** Visitor: the identity was accepted; keep `token` from now on. */
export interface VisitorIdentifiedFrame {
  type: 'visitor.identified';
  token: string;
  visitor: VisitorProfile;
  conversations: ConversationSummary[];
}

/** Agent: an inbox view, answering `inbox.list`. */
export interface InboxItemsFrame {
  type: 'inbox.items';
  view: InboxView;
  conversations: ConversationSummary[];
}

/** Visitor: the number of online agents serving its site changed (whether anyone is there to answer). */
export interface PresenceFrame {
  type: 'presence';
  agentsOnline: number;
}

/** A refused frame. `ref` names what was refused: the clientId of a chat.send, or the frame type. */
export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
  ref?: string;
}

/** Answers `ping`. */
export interface PongFrame {
  type: 'pong';
  t?: number;
}

/** Every frame the relay sends. */
export type ServerFrame =
  | WelcomeFrame
  | ChatAckFrame
  | ChatMessageFrame
  | ChatMessagesFrame
  | ChatTypingOutFrame
  | ChatReadOutFrame
  | ConversationUpdatedFrame
  | InboxUpdatesFrame
  | InboxActivityFrame
  | ConversationDetailFrame
  | VisitorUpdatedFrame
  | VisitorIdentifiedFrame
  | InboxItemsFrame
  | PresenceFrame
  | ErrorFrame
  | ServerCobrowseFrame
  | ServerCallFrame
  | PongFrame;

/** The `type` tags of relay frames. */
export type ServerFrameType = ServerFrame['type'];
