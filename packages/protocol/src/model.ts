/**
 * The domain objects that travel inside frames. Times are milliseconds since the epoch.
 * See CONTEXT.md at the repository root for the glossary.
 */

/** Who wrote a message. `system` marks timeline events (resolved, reopened, assigned). */
export type Author = 'visitor' | 'agent' | 'system';

/** An agent's role; each includes the rights of the ones before it. */
export type Role = 'agent' | 'supervisor' | 'admin';

/** The roles, weakest first. */
export const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

/** A conversation is `open` until an agent resolves it; a new visitor message reopens it. */
export type ConversationStatus = 'open' | 'resolved';

/** One chat message, as stored and as delivered. `seq` is its position in its conversation, from 1. */
export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  /** The id the sender chose (nanoid); a retry with the same id is the same message. */
  clientId: string;
  author: Author;
  /** Visitor id or agent id of the author; empty for system messages. */
  authorId: string;
  /** Display name of the author at the time of writing, when known. */
  authorName?: string;
  text: string;
  at: number;
}

/** A conversation as listed in an inbox or the widget. */
export interface ConversationSummary {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  /** The agent who owns the conversation; null while it waits in the queue. */
  assigneeId: string | null;
  assigneeName?: string | null;
  createdAt: number;
  updatedAt: number;
  /** Seq of the newest message; 0 when there is none. */
  lastSeq: number;
  /**
   * The last message a person wrote (visitor or agent, as `author` says); system lines do not
   * replace it. Until a person wrote, the newest system line; null while there is no message.
   * Its text is a preview: at most `PREVIEW_LENGTH` characters (`previewText`).
   */
  lastMessage?: { text: string; author: Author; at: number } | null;
  /**
   * Whether the visitor has the site open right now (a tab connected to the relay). Agents'
   * copies are kept live by `visitor.updated`.
   */
  visitorOnline?: boolean;
  /** Name the visitor gave, or null while anonymous. */
  visitorName?: string | null;
  /** Highest seq the visitor has read. */
  visitorReadSeq: number;
  /** Highest seq any agent has read. */
  agentReadSeq: number;
}

/** A value a host page may attach to a visitor or an event. */
export type AttributeValue = string | number | boolean | null;

/** Host-page attributes or event properties. */
export type Attributes = Record<string, AttributeValue>;

/** A page the visitor viewed. */
export interface PageView {
  url: string;
  title: string;
  at: number;
}

/** An event the host page tracked with `Parley('track', name, props)`. */
export interface TrackedEvent {
  name: string;
  props: Attributes;
  at: number;
}

/** What the relay knows of a visitor, as shown to agents. */
export interface VisitorProfile {
  id: string;
  siteId: string;
  /** The host page's own user id, when it identified the visitor. */
  userId: string | null;
  name: string | null;
  email: string | null;
  /** True when the identity was proven with the site's HMAC (`userHash`). */
  verified: boolean;
  attributes: Attributes;
  /** Browser and OS, parsed from the user agent; language from the browser. */
  browser: string | null;
  os: string | null;
  language: string | null;
  currentPage: PageView | null;
  online: boolean;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** The signed-in agent, as the console sees itself and its colleagues. */
export interface AgentProfile {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * Most characters of `lastMessage.text` in conversation summaries and inbox activity. An inbox
 * row shows one line of it; the whole message (up to `maxTextLength`) would go to every agent
 * connection with every window of activity.
 */
export const PREVIEW_LENGTH = 200;

/** `text` as a preview: cut to `PREVIEW_LENGTH` characters with "…", never inside a surrogate pair. */
export function previewText(text: string): string {
  if (text.length <= PREVIEW_LENGTH) return text;
  let end = PREVIEW_LENGTH - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}
