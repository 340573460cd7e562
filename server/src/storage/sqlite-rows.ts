/**
 * How records map to SQLite rows and back: snake_case columns, JSON text for attributes,
 * origins, props and pages, 0/1 for booleans, and `null` columns for absent optional fields.
 * Parameter objects carry exactly the named parameters their statements use.
 */
import type { Attributes, Author, Callback, CallbackStatus, Message, PageView, Role, TrackedEvent } from '@parley/protocol';
import { emailKey } from './records.js';
import type { Agent, Conversation, NewCallback, Site, Visitor } from './storage.js';

/** A `sites` row. */
export interface SiteRow {
  id: string;
  key: string;
  name: string;
  secret: string;
  allowed_origins: string;
  created_at: number;
}

/** An `agents` row. */
export interface AgentRow {
  id: string;
  email: string;
  email_key: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
}

/** A `visitors` row. */
export interface VisitorRow {
  id: string;
  site_id: string;
  /** The proven user id: set only when verified (unique per site). */
  user_id: string | null;
  /** The user id the page claimed without proof: set only when not verified (shared freely). */
  claimed_user_id: string | null;
  name: string | null;
  email: string | null;
  verified: number;
  attributes: string;
  browser: string | null;
  os: string | null;
  language: string | null;
  current_page: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

/** A `conversations` row. */
export interface ConversationRow {
  id: string;
  site_id: string;
  visitor_id: string;
  status: string;
  assignee_id: string | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  last_seq: number;
  last_message_text: string | null;
  last_message_author: string | null;
  last_message_at: number | null;
  first_response_at: number | null;
  visitor_read_seq: number;
  agent_read_seq: number;
}

/** A `messages` row. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  client_id: string;
  author: string;
  author_id: string;
  author_name: string | null;
  text: string;
  at: number;
}

/** A `callbacks` row. */
export interface CallbackRow {
  id: string;
  conversation_id: string;
  visitor_id: string;
  client_id: string;
  phone: string;
  window_from: number | null;
  window_to: number | null;
  note: string | null;
  status: string;
  agent_id: string | null;
  agent_name: string | null;
  created_at: number;
  updated_at: number;
}

/** A `page_views` row without its id. */
export interface PageViewRow {
  url: string;
  title: string;
  at: number;
}

/** An `events` row without its id. */
export interface EventRow {
  name: string;
  props: string;
  at: number;
}

// The CHECK constraints of the schema guarantee these strings, so narrowing them is safe.

/** A site from its row. */
export function siteFromRow(row: SiteRow): Site {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    secret: row.secret,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    createdAt: row.created_at,
  };
}

/** A site's row. */
export function siteToRow(site: Site): SiteRow {
  return {
    id: site.id,
    key: site.key,
    name: site.name,
    secret: site.secret,
    allowed_origins: JSON.stringify(site.allowedOrigins),
    created_at: site.createdAt,
  };
}

/** An agent from its row. */
export function agentFromRow(row: AgentRow): Agent {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

/** An agent's row, with its email lookup key. */
export function agentToRow(agent: Agent): AgentRow {
  return {
    id: agent.id,
    email: agent.email,
    email_key: emailKey(agent.email),
    name: agent.name,
    role: agent.role,
    password_hash: agent.passwordHash,
    created_at: agent.createdAt,
  };
}

/** A visitor from its row. */
export function visitorFromRow(row: VisitorRow): Visitor {
  return {
    id: row.id,
    siteId: row.site_id,
    userId: row.user_id ?? row.claimed_user_id,
    name: row.name,
    email: row.email,
    verified: row.verified === 1,
    attributes: JSON.parse(row.attributes) as Attributes,
    browser: row.browser,
    os: row.os,
    language: row.language,
    currentPage: row.current_page === null ? null : (JSON.parse(row.current_page) as PageView),
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}

/** A visitor's row. */
export function visitorToRow(visitor: Visitor): VisitorRow {
  return {
    id: visitor.id,
    site_id: visitor.siteId,
    // An unproven id never takes the canonical slot of a user (see CONTEXT.md, identity).
    user_id: visitor.verified ? visitor.userId : null,
    claimed_user_id: visitor.verified ? null : visitor.userId,
    name: visitor.name,
    email: visitor.email,
    verified: visitor.verified ? 1 : 0,
    attributes: JSON.stringify(visitor.attributes),
    browser: visitor.browser,
    os: visitor.os,
    language: visitor.language,
    current_page: visitor.currentPage === null ? null : JSON.stringify(visitor.currentPage),
    first_seen_at: visitor.firstSeenAt,
    last_seen_at: visitor.lastSeenAt,
  };
}

/** A conversation from its row. */
export function conversationFromRow(row: ConversationRow): Conversation {
  return {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    status: row.status as Conversation['status'],
    assigneeId: row.assignee_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
    lastSeq: row.last_seq,
    lastMessage:
      row.last_message_text === null || row.last_message_author === null || row.last_message_at === null
        ? null
        : { text: row.last_message_text, author: row.last_message_author as Author, at: row.last_message_at },
    firstResponseAt: row.first_response_at,
    visitorReadSeq: row.visitor_read_seq,
    agentReadSeq: row.agent_read_seq,
  };
}

/** A conversation's row. */
export function conversationToRow(conversation: Conversation): ConversationRow {
  return {
    id: conversation.id,
    site_id: conversation.siteId,
    visitor_id: conversation.visitorId,
    status: conversation.status,
    assignee_id: conversation.assigneeId,
    created_at: conversation.createdAt,
    updated_at: conversation.updatedAt,
    resolved_at: conversation.resolvedAt,
    last_seq: conversation.lastSeq,
    last_message_text: conversation.lastMessage?.text ?? null,
    last_message_author: conversation.lastMessage?.author ?? null,
    last_message_at: conversation.lastMessage?.at ?? null,
    first_response_at: conversation.firstResponseAt,
    visitor_read_seq: conversation.visitorReadSeq,
    agent_read_seq: conversation.agentReadSeq,
  };
}

/** A message from its row; `authorName` is left out when the column is null. */
export function messageFromRow(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    clientId: row.client_id,
    author: row.author as Author,
    authorId: row.author_id,
    ...(row.author_name === null ? {} : { authorName: row.author_name }),
    text: row.text,
    at: row.at,
  };
}

/** A tracked event from its row. */
export function eventFromRow(row: EventRow): TrackedEvent {
  return { name: row.name, props: JSON.parse(row.props) as Attributes, at: row.at };
}

/** A callback request from its row. */
export function callbackFromRow(row: CallbackRow): Callback {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    visitorId: row.visitor_id,
    phone: row.phone,
    window: row.window_from === null || row.window_to === null ? null : { from: row.window_from, to: row.window_to },
    note: row.note,
    status: row.status as CallbackStatus,
    agentId: row.agent_id,
    agentName: row.agent_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The row of a new callback request: requested, nobody on it yet. */
export function newCallbackRow(input: NewCallback): CallbackRow {
  return {
    id: input.id,
    conversation_id: input.conversationId,
    visitor_id: input.visitorId,
    client_id: input.clientId,
    phone: input.phone,
    window_from: input.window?.from ?? null,
    window_to: input.window?.to ?? null,
    note: input.note,
    status: 'requested',
    agent_id: null,
    agent_name: null,
    created_at: input.createdAt,
    updated_at: input.createdAt,
  };
}
