/**
 * How records map to PostgreSQL rows and back. Conversations, messages and callback requests
 * (and agents) have the same columns and column types in both schemas (text and numbers; BIGINT
 * is read as a number, see `pg-database.ts`), so their SQLite mappers serve here unchanged and
 * are re-exported.
 * Sites, agents, visitors and events differ: `json` columns arrive parsed, `verified` is a BOOLEAN.
 * JSON values are sent as text (`JSON.stringify`): node-postgres would send a JS array as a
 * PostgreSQL array, not as JSON.
 */
import type { Attributes, PageView, TrackedEvent } from '@parley/protocol';
import { emailKey } from './records.js';
import type { Agent, Site, Visitor } from './storage.js';

export {
  agentFromRow,
  callbackFromRow,
  conversationFromRow,
  messageFromRow,
  newCallbackRow,
  type AgentRow,
  type CallbackRow,
  type ConversationRow,
  type MessageRow,
} from './sqlite-rows.js';

// Statements name their columns rather than `*`: a prepared statement whose result gains a
// column (a migration run by a newer node during a rolling upgrade) would fail on older nodes.

/** The `conversations` columns of a `ConversationRow`. */
export const CONVERSATION_COLUMNS =
  'id, site_id, visitor_id, status, assignee_id, created_at, updated_at, resolved_at, last_seq, last_message_text, ' +
  'last_message_author, last_message_at, first_response_at, visitor_read_seq, agent_read_seq';

/** The `messages` columns of a `MessageRow`. */
export const MESSAGE_COLUMNS = 'id, conversation_id, seq, client_id, author, author_id, author_name, text, at';

/** A `sites` row as read. */
export interface PgSiteRow {
  id: string;
  key: string;
  name: string;
  secret: string;
  allowed_origins: string[];
  created_at: number;
}

/** A `visitors` row as read. */
export interface PgVisitorRow {
  id: string;
  site_id: string;
  user_id: string | null;
  claimed_user_id: string | null;
  name: string | null;
  email: string | null;
  verified: boolean;
  attributes: Attributes;
  browser: string | null;
  os: string | null;
  language: string | null;
  current_page: PageView | null;
  first_seen_at: number;
  last_seen_at: number;
}

/** An `events` row as read, without its id. */
export interface PgEventRow {
  name: string;
  props: Attributes;
  at: number;
}

/** A site from its row. */
export function siteFromRow(row: PgSiteRow): Site {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    secret: row.secret,
    allowedOrigins: row.allowed_origins,
    createdAt: row.created_at,
  };
}

/** The parameters of a site's row: id, key, name, secret, allowed_origins, created_at. */
export function siteParams(site: Site): unknown[] {
  return [site.id, site.key, site.name, site.secret, JSON.stringify(site.allowedOrigins), site.createdAt];
}

/** The parameters of an agent's row: id, email, email_key, name, role, password_hash, created_at. */
export function agentParams(agent: Agent): unknown[] {
  return [agent.id, agent.email, emailKey(agent.email), agent.name, agent.role, agent.passwordHash, agent.createdAt];
}

/** A visitor from its row. */
export function visitorFromRow(row: PgVisitorRow): Visitor {
  return {
    id: row.id,
    siteId: row.site_id,
    userId: row.user_id ?? row.claimed_user_id,
    name: row.name,
    email: row.email,
    verified: row.verified,
    attributes: row.attributes,
    browser: row.browser,
    os: row.os,
    language: row.language,
    currentPage: row.current_page,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}

/** The visitor columns in the order of `visitorParams`. */
export const VISITOR_COLUMNS =
  'id, site_id, user_id, claimed_user_id, name, email, verified, attributes, browser, os, language, current_page, first_seen_at, last_seen_at';

/** The parameters of a visitor's row, in the order of `VISITOR_COLUMNS`. */
export function visitorParams(visitor: Visitor): unknown[] {
  return [
    visitor.id,
    visitor.siteId,
    // An unproven id never takes the canonical slot of a user (see CONTEXT.md, identity).
    visitor.verified ? visitor.userId : null,
    visitor.verified ? null : visitor.userId,
    visitor.name,
    visitor.email,
    visitor.verified,
    JSON.stringify(visitor.attributes),
    visitor.browser,
    visitor.os,
    visitor.language,
    visitor.currentPage === null ? null : JSON.stringify(visitor.currentPage),
    visitor.firstSeenAt,
    visitor.lastSeenAt,
  ];
}

/** A tracked event from its row. */
export function eventFromRow(row: PgEventRow): TrackedEvent {
  return { name: row.name, props: row.props, at: row.at };
}

/** A LIMIT that is never negative, and whole. */
export function clampLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}
