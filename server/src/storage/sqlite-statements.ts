/**
 * Every SQL statement of the SQLite store, prepared once per connection. Preparing is the
 * expensive part of a query in better-sqlite3, so the store never prepares on a hot path.
 * Parameter objects may carry more fields than a statement names (better-sqlite3 ignores them),
 * so whole rows are passed to updates that change only some columns. The
 * conversation list, whose WHERE clause depends on the filter, caches one statement per filter
 * shape (at most 144 by the fields a filter may give; the relay uses about ten).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { ConversationStatus } from '@parley/protocol';
import type { CallbackFilter, ConversationFilter } from './storage.js';
import type {
  AgentRow,
  CallbackRow,
  ConversationRow,
  EventRow,
  MessageRow,
  PageViewRow,
  SiteRow,
  VisitorRow,
} from './sqlite-rows.js';

/** The prepared statements, by purpose. */
export type Statements = ReturnType<typeof prepareStatements>;

/** True when an appended message leaves the summary's last message as it is: a system line after a person's. */
const KEEPS_LAST_MESSAGE = "@author = 'system' AND last_message_author IN ('visitor', 'agent')";

/**
 * The three statements of one append (`sqlite-append-worker.ts` runs them on its own connection):
 * the dedupe lookup on author and client id, taking the next seq, and the insert.
 */
export const APPEND_SQL = {
  messageByClientId: 'SELECT * FROM messages WHERE author_id = ? AND client_id = ?',
  // Taking the seq and updating the summary in one statement keeps the append to three
  // statements. It returns the whole row so that the store can report the conversation's new
  // state without reading it again. The summary's last message is the last one a person wrote:
  // the inbox previews what the visitor or the agent said, not "Ann resolved the conversation".
  // Until a person wrote, the newest system line stands in ("The visitor asked to be called
  // back ...").
  advanceConversation: `UPDATE conversations SET
       last_seq = last_seq + 1,
       last_message_text = CASE WHEN ${KEEPS_LAST_MESSAGE} THEN last_message_text ELSE @text END,
       last_message_author = CASE WHEN ${KEEPS_LAST_MESSAGE} THEN last_message_author ELSE @author END,
       last_message_at = CASE WHEN ${KEEPS_LAST_MESSAGE} THEN last_message_at ELSE @at END,
       updated_at = max(updated_at, @at),
       first_response_at = CASE WHEN first_response_at IS NULL AND @author = 'agent' THEN @at ELSE first_response_at END
     WHERE id = @id
     RETURNING *`,
  insertMessage: `INSERT INTO messages (id, conversation_id, seq, client_id, author, author_id, author_name, text, at)
     VALUES (@id, @conversation_id, @seq, @client_id, @author, @author_id, @author_name, @text, @at)`,
} as const;

/** Prepares every fixed statement of the store on `db` (whose schema must be migrated). */
export function prepareStatements(db: Database) {
  return {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),

    insertSite: db.prepare<SiteRow>(
      `INSERT INTO sites (id, key, name, secret, allowed_origins, created_at)
       VALUES (@id, @key, @name, @secret, @allowed_origins, @created_at)`,
    ),
    siteById: db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE id = ?'),
    siteByKey: db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE key = ?'),
    allSites: db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY created_at, rowid'),
    updateSite: db.prepare<SiteRow>(
      `UPDATE sites SET key = @key, name = @name, secret = @secret, allowed_origins = @allowed_origins
       WHERE id = @id`,
    ),

    insertAgent: db.prepare<AgentRow>(
      `INSERT INTO agents (id, email, email_key, name, role, password_hash, created_at)
       VALUES (@id, @email, @email_key, @name, @role, @password_hash, @created_at)`,
    ),
    agentById: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE id = ?'),
    agentByEmailKey: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE email_key = ?'),
    allAgents: db.prepare<[], AgentRow>('SELECT * FROM agents ORDER BY created_at, rowid'),
    updateAgent: db.prepare<AgentRow>(
      `UPDATE agents SET email = @email, email_key = @email_key, name = @name, role = @role,
         password_hash = @password_hash
       WHERE id = @id`,
    ),

    agentSiteIds: db.prepare<[string], string>(
      `SELECT agent_sites.site_id FROM agent_sites JOIN sites ON sites.id = agent_sites.site_id
       WHERE agent_sites.agent_id = ? ORDER BY sites.created_at, sites.rowid`,
    ).pluck(),
    insertAgentSite: db.prepare<[string, string]>('INSERT OR IGNORE INTO agent_sites (agent_id, site_id) VALUES (?, ?)'),
    deleteAgentSite: db.prepare<[string, string]>('DELETE FROM agent_sites WHERE agent_id = ? AND site_id = ?'),

    insertVisitor: db.prepare<VisitorRow>(
      `INSERT INTO visitors (id, site_id, user_id, claimed_user_id, name, email, verified, attributes, browser, os,
         language, current_page, first_seen_at, last_seen_at)
       VALUES (@id, @site_id, @user_id, @claimed_user_id, @name, @email, @verified, @attributes, @browser, @os,
         @language, @current_page, @first_seen_at, @last_seen_at)`,
    ),
    visitorById: db.prepare<[string], VisitorRow>('SELECT * FROM visitors WHERE id = ?'),
    visitorByUserId: db.prepare<[string, string], VisitorRow>('SELECT * FROM visitors WHERE site_id = ? AND user_id = ? AND verified = 1'),
    updateVisitor: db.prepare<VisitorRow>(
      `UPDATE visitors SET user_id = @user_id, claimed_user_id = @claimed_user_id, name = @name, email = @email,
         verified = @verified, attributes = @attributes, browser = @browser, os = @os, language = @language,
         current_page = @current_page, last_seen_at = @last_seen_at
       WHERE id = @id`,
    ),
    moveConversations: db.prepare<[string, string]>('UPDATE conversations SET visitor_id = ? WHERE visitor_id = ?'),
    movePageViews: db.prepare<[string, string]>('UPDATE page_views SET visitor_id = ? WHERE visitor_id = ?'),
    moveEvents: db.prepare<[string, string]>('UPDATE events SET visitor_id = ? WHERE visitor_id = ?'),
    moveCallbacks: db.prepare<[string, string]>('UPDATE callbacks SET visitor_id = ? WHERE visitor_id = ?'),
    deleteVisitor: db.prepare<[string]>('DELETE FROM visitors WHERE id = ?'),

    insertPageView: db.prepare<[string, string, string, number]>(
      'INSERT INTO page_views (visitor_id, url, title, at) VALUES (?, ?, ?, ?)',
    ),
    // "Newest" is the listing order (at, then id); the (visitor_id, at, id) index serves both.
    prunePageViews: db.prepare<[string, string, number]>(
      `DELETE FROM page_views WHERE visitor_id = ? AND id IN
         (SELECT id FROM page_views WHERE visitor_id = ? ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?)`,
    ),
    newestPageViews: db.prepare<[string, number], PageViewRow>(
      'SELECT url, title, at FROM page_views WHERE visitor_id = ? ORDER BY at DESC, id DESC LIMIT ?',
    ),
    insertEvent: db.prepare<[string, string, string, number]>(
      'INSERT INTO events (visitor_id, name, props, at) VALUES (?, ?, ?, ?)',
    ),
    pruneEvents: db.prepare<[string, string, number]>(
      `DELETE FROM events WHERE visitor_id = ? AND id IN
         (SELECT id FROM events WHERE visitor_id = ? ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?)`,
    ),
    newestEvents: db.prepare<[string, number], EventRow>(
      'SELECT name, props, at FROM events WHERE visitor_id = ? ORDER BY at DESC, id DESC LIMIT ?',
    ),

    insertConversation: db.prepare<ConversationRow>(
      `INSERT INTO conversations (id, site_id, visitor_id, status, assignee_id, created_at, updated_at,
         resolved_at, last_seq, last_message_text, last_message_author, last_message_at, first_response_at,
         visitor_read_seq, agent_read_seq)
       VALUES (@id, @site_id, @visitor_id, @status, @assignee_id, @created_at, @updated_at,
         @resolved_at, @last_seq, @last_message_text, @last_message_author, @last_message_at, @first_response_at,
         @visitor_read_seq, @agent_read_seq)`,
    ),
    conversationById: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    openConversationOf: db.prepare<[string], ConversationRow>("SELECT * FROM conversations WHERE visitor_id = ? AND status = 'open'"),
    patchConversation: db.prepare<
      Pick<ConversationRow, 'id' | 'status' | 'assignee_id' | 'resolved_at' | 'visitor_read_seq' | 'agent_read_seq' | 'updated_at'>,
      ConversationRow
    >(
      `UPDATE conversations SET status = @status, assignee_id = @assignee_id, resolved_at = @resolved_at,
         visitor_read_seq = @visitor_read_seq, agent_read_seq = @agent_read_seq,
         updated_at = max(updated_at, @updated_at)
       WHERE id = @id
       RETURNING *`,
    ),

    messageByClientId: db.prepare<[string, string], MessageRow>(APPEND_SQL.messageByClientId),
    advanceConversation: db.prepare<{ id: string; text: string; author: string; at: number }, ConversationRow>(APPEND_SQL.advanceConversation),
    insertMessage: db.prepare<MessageRow>(APPEND_SQL.insertMessage),
    messagesAfter: db.prepare<[string, number, number], MessageRow>(
      'SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),

    insertCallback: db.prepare<CallbackRow>(
      `INSERT INTO callbacks (id, conversation_id, visitor_id, client_id, phone, window_from, window_to, note, status,
         agent_id, agent_name, created_at, updated_at)
       VALUES (@id, @conversation_id, @visitor_id, @client_id, @phone, @window_from, @window_to, @note, @status,
         @agent_id, @agent_name, @created_at, @updated_at)`,
    ),
    callbackById: db.prepare<[string], CallbackRow>('SELECT * FROM callbacks WHERE id = ?'),
    callbackByClientId: db.prepare<[string, string], CallbackRow>('SELECT * FROM callbacks WHERE visitor_id = ? AND client_id = ?'),
    patchCallback: db.prepare<
      Pick<CallbackRow, 'id' | 'status' | 'agent_id' | 'agent_name' | 'updated_at'>,
      CallbackRow
    >(
      `UPDATE callbacks SET status = @status, agent_id = @agent_id, agent_name = @agent_name,
         updated_at = max(updated_at, @updated_at)
       WHERE id = @id
       RETURNING *`,
    ),
  };
}

/** Each conversation status as an SQL literal, for the partial indexes (see `ConversationListQueries`). */
const STATUS_LITERAL: Readonly<Record<ConversationStatus, string>> = { open: "'open'", resolved: "'resolved'" };

/** Named parameters of a conversation list query. */
export interface ConversationListParams {
  site_ids?: string;
  visitor_id?: string;
  assignee_id?: string;
  before?: number;
  updated_after?: number;
  limit: number;
}

/**
 * Builds and caches one list statement per filter shape (which fields are given).
 *
 * The status is written into the statement as a literal: the indexes that keep conversations in
 * updated_at order or find them by assignee are partial (resolved ones; open ones), and SQLite
 * uses a partial index only for a query whose WHERE names its condition, never for a parameter.
 * A filter without a status asks each of the two sets in turn and merges them in order.
 */
export class ConversationListQueries {
  readonly #db: Database;
  readonly #byShape = new Map<string, Statement<ConversationListParams, ConversationRow>>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** The statement for `filter` and its parameters. */
  forFilter(filter: ConversationFilter): { statement: Statement<ConversationListParams, ConversationRow>; params: ConversationListParams } {
    const where: string[] = [];
    const params: ConversationListParams = { limit: Math.max(0, Math.floor(filter.limit)) };
    // One JSON parameter instead of a variable-length IN list keeps the shape count finite.
    const sites = filter.siteIds === undefined ? null : 'site_id IN (SELECT value FROM json_each(@site_ids))';
    if (filter.siteIds !== undefined) params.site_ids = JSON.stringify(filter.siteIds);
    if (filter.visitorId !== undefined) {
      where.push('visitor_id = @visitor_id');
      params.visitor_id = filter.visitorId;
    }
    if (filter.assigneeId === null) {
      where.push('assignee_id IS NULL');
    } else if (filter.assigneeId !== undefined) {
      where.push('assignee_id = @assignee_id');
      params.assignee_id = filter.assigneeId;
    }
    if (filter.before !== undefined) {
      where.push('updated_at < @before');
      params.before = filter.before;
    }
    if (filter.updatedAfter !== undefined) {
      where.push('updated_at > @updated_after');
      params.updated_after = filter.updatedAfter;
    }
    const shape = `${filter.status ?? 'any'}:${sites !== null}:${where.join(' AND ')}`;
    let statement = this.#byShape.get(shape);
    if (!statement) {
      const select = (status: ConversationStatus) => {
        const terms = [...where, `status = ${STATUS_LITERAL[status]}`];
        // Resolved ones are read in updated_at order from their index, the sites checked on each
        // row (`+` keeps the site index out): a page stops after its first rows instead of
        // sorting every resolved conversation of the sites.
        if (sites !== null) terms.unshift(status === 'resolved' ? `+${sites}` : sites);
        return `SELECT * FROM conversations WHERE ${terms.join(' AND ')}`;
      };
      const sets = filter.status === undefined ? `${select('open')} UNION ALL ${select('resolved')}` : select(filter.status);
      statement = this.#db.prepare<ConversationListParams, ConversationRow>(`${sets} ORDER BY updated_at DESC, id DESC LIMIT @limit`);
      this.#byShape.set(shape, statement);
    }
    return { statement, params };
  }
}

/** Named parameters of a callback list query. */
export interface CallbackListParams {
  /** A JSON array of site ids. */
  site_ids?: string;
  visitor_id?: string;
  conversation_id?: string;
  /** A JSON array of statuses. */
  statuses?: string;
  created_since?: number;
  limit: number;
}

/** Builds and caches one callback list statement per filter shape (at most 32), so each uses its index. */
export class CallbackListQueries {
  readonly #db: Database;
  readonly #byShape = new Map<string, Statement<CallbackListParams, CallbackRow>>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** The statement for `filter` and its parameters. */
  forFilter(filter: CallbackFilter): { statement: Statement<CallbackListParams, CallbackRow>; params: CallbackListParams } {
    const where: string[] = [];
    const params: CallbackListParams = { limit: Math.max(0, Math.floor(filter.limit)) };
    if (filter.siteIds !== undefined) {
      where.push('conversation_id IN (SELECT id FROM conversations WHERE site_id IN (SELECT value FROM json_each(@site_ids)))');
      params.site_ids = JSON.stringify(filter.siteIds);
    }
    if (filter.visitorId !== undefined) {
      where.push('visitor_id = @visitor_id');
      params.visitor_id = filter.visitorId;
    }
    if (filter.conversationId !== undefined) {
      where.push('conversation_id = @conversation_id');
      params.conversation_id = filter.conversationId;
    }
    if (filter.statuses !== undefined) {
      where.push('status IN (SELECT value FROM json_each(@statuses))');
      params.statuses = JSON.stringify(filter.statuses);
    }
    if (filter.createdSince !== undefined) {
      where.push('created_at >= @created_since');
      params.created_since = filter.createdSince;
    }
    const shape = where.join(' AND ');
    let statement = this.#byShape.get(shape);
    if (!statement) {
      statement = this.#db.prepare<CallbackListParams, CallbackRow>(
        `SELECT * FROM callbacks ${shape ? `WHERE ${shape}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      );
      this.#byShape.set(shape, statement);
    }
    return { statement, params };
  }
}
