/**
 * The embedded default Storage: one SQLite file (`<dataDir>/parley.db`) through better-sqlite3.
 *
 * Durability: the database runs in WAL mode. With `synchronous=NORMAL` (the default) a committed
 * transaction survives the process being killed, because its pages are already in the WAL file
 * the operating system holds; only a power loss or kernel crash can drop the newest commits.
 * `synchronous=FULL` fsyncs the WAL on every commit and survives those too, at some throughput.
 *
 * better-sqlite3 is synchronous, so each method runs to completion before the next starts:
 * concurrent calls from one process are serialised for free. Writes that read first run in
 * IMMEDIATE transactions so that several processes sharing the file cannot interleave them.
 * Appends are group-committed (`group-commit.ts`): those made in one turn of the event loop
 * share a transaction, each in its own savepoint, and each resolves only after the commit.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { Message, PageView, TrackedEvent } from '@parley/protocol';
import { migrate } from './migrations.js';
import { definedFields, emailKey, newConversation, type NewConversation } from './records.js';
import {
  agentFromRow,
  agentToRow,
  conversationFromRow,
  conversationToRow,
  eventFromRow,
  messageFromRow,
  siteFromRow,
  siteToRow,
  visitorFromRow,
  visitorToRow,
  type MessageRow,
} from './sqlite-rows.js';
import { ConversationListQueries, prepareStatements, type Statements } from './sqlite-statements.js';
import { GroupCommit, type Settled } from './group-commit.js';
import { StorageError, notFound } from './storage-error.js';
import type {
  Agent,
  AppendResult,
  Conversation,
  ConversationFilter,
  ConversationPatch,
  NewMessage,
  Site,
  Storage,
  Visitor,
  VisitorPatch,
} from './storage.js';

/** The database file's name inside the data directory. */
export const DATABASE_FILE = 'parley.db';

/** How to open the SQLite store. */
export interface SqliteStorageOptions {
  /** Directory of `parley.db`; it must exist. */
  dataDir: string;
  /** `normal` (default) survives process crashes; `full` also survives power loss. */
  synchronous?: 'normal' | 'full';
  /** How long a write waits for another process's lock before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/** Turns a driver error into a StorageError when it is a constraint the contract names. */
function translateError(error: unknown, missing: string): unknown {
  if (!(error instanceof BetterSqlite3.SqliteError)) return error;
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return new StorageError('conflict', `A unique key is already taken (${error.message}).`);
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return new StorageError('not_found', `No such ${missing}.`);
    default:
      return error;
  }
}

/** Runs `write`, turning constraint failures into StorageErrors (`missing` names the referenced record). */
function guarded<T>(missing: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw translateError(error, missing);
  }
}

/** A Storage on one SQLite file. */
export class SqliteStorage implements Storage {
  readonly #db: Database;
  #statements: Statements | null = null;
  #listQueries: ConversationListQueries | null = null;
  /** Appends queued in this turn of the event loop, committed together. */
  readonly #appends: GroupCommit<NewMessage, AppendResult>;

  constructor(options: SqliteStorageOptions) {
    // `timeout` is SQLite's busy_timeout: how long to wait for another process's write lock.
    this.#db = new BetterSqlite3(join(options.dataDir, DATABASE_FILE), { timeout: options.busyTimeoutMs ?? 5_000 });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.#db.pragma('foreign_keys = ON');
    // Each append runs in its own savepoint inside the batch's transaction, so one refused
    // message (unknown conversation, clashing id) rolls back alone.
    const appendOne = this.#db.transaction((input: NewMessage) => this.#appendInTransaction(input));
    const appendBatch = this.#db.transaction((inputs: NewMessage[]): Settled<AppendResult>[] =>
      inputs.map((input) => {
        try {
          return { ok: true, value: appendOne(input) };
        } catch (error) {
          return { ok: false, error: translateError(error, 'conversation') };
        }
      }),
    );
    this.#appends = new GroupCommit((inputs) => appendBatch.immediate(inputs));
  }

  /** The underlying connection, for diagnostics and tests (pragmas, schema checks). */
  get database(): Database {
    return this.#db;
  }

  /**
   * The prepared statements; every method goes through here. Statements are prepared on first
   * use, after `migrate` has created their tables. Queued appends are committed first, so each
   * call sees every append made before it, as if appends were not batched.
   */
  get #sql(): Statements {
    this.#appends.flush();
    this.#statements ??= prepareStatements(this.#db);
    return this.#statements;
  }

  async migrate(): Promise<void> {
    this.#appends.flush();
    migrate(this.#db);
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    this.#appends.flush();
    this.#db.close();
  }

  /** Reads a value of the store's small key-value table, or null. */
  async getMeta(key: string): Promise<string | null> {
    return this.#sql.getMeta.get(key)?.value ?? null;
  }

  /** Writes a value of the store's small key-value table. */
  async setMeta(key: string, value: string): Promise<void> {
    this.#sql.setMeta.run(key, value);
  }

  async createSite(site: Site): Promise<Site> {
    guarded('site', () => this.#sql.insertSite.run(siteToRow(site)));
    return this.#requireSite(site.id);
  }

  async getSite(id: string): Promise<Site | null> {
    const row = this.#sql.siteById.get(id);
    return row ? siteFromRow(row) : null;
  }

  async getSiteByKey(key: string): Promise<Site | null> {
    const row = this.#sql.siteByKey.get(key);
    return row ? siteFromRow(row) : null;
  }

  async listSites(): Promise<Site[]> {
    return this.#sql.allSites.all().map(siteFromRow);
  }

  async updateSite(id: string, patch: Partial<Omit<Site, 'id' | 'createdAt'>>): Promise<Site> {
    return this.#immediate(() => {
      const site = this.#requireSite(id);
      const updated: Site = { ...site, ...definedFields(patch), id: site.id, createdAt: site.createdAt };
      guarded('site', () => this.#sql.updateSite.run(siteToRow(updated)));
      return this.#requireSite(id);
    });
  }

  async createAgent(agent: Agent): Promise<Agent> {
    guarded('agent', () => this.#sql.insertAgent.run(agentToRow(agent)));
    return this.#requireAgent(agent.id);
  }

  async getAgent(id: string): Promise<Agent | null> {
    const row = this.#sql.agentById.get(id);
    return row ? agentFromRow(row) : null;
  }

  async getAgentByEmail(email: string): Promise<Agent | null> {
    const row = this.#sql.agentByEmailKey.get(emailKey(email));
    return row ? agentFromRow(row) : null;
  }

  async listAgents(): Promise<Agent[]> {
    return this.#sql.allAgents.all().map(agentFromRow);
  }

  async updateAgent(id: string, patch: Partial<Omit<Agent, 'id' | 'createdAt'>>): Promise<Agent> {
    return this.#immediate(() => {
      const agent = this.#requireAgent(id);
      const updated: Agent = { ...agent, ...definedFields(patch), id: agent.id, createdAt: agent.createdAt };
      guarded('agent', () => this.#sql.updateAgent.run(agentToRow(updated)));
      return this.#requireAgent(id);
    });
  }

  async createVisitor(visitor: Visitor): Promise<Visitor> {
    guarded('site', () => this.#sql.insertVisitor.run(visitorToRow(visitor)));
    return this.#requireVisitor(visitor.id);
  }

  async getVisitor(id: string): Promise<Visitor | null> {
    const row = this.#sql.visitorById.get(id);
    return row ? visitorFromRow(row) : null;
  }

  async findVisitorByUserId(siteId: string, userId: string): Promise<Visitor | null> {
    const row = this.#sql.visitorByUserId.get(siteId, userId);
    return row ? visitorFromRow(row) : null;
  }

  async updateVisitor(id: string, patch: VisitorPatch): Promise<Visitor> {
    return this.#immediate(() => {
      const visitor = this.#requireVisitor(id);
      const updated: Visitor = {
        ...visitor,
        ...definedFields(patch),
        id: visitor.id,
        siteId: visitor.siteId,
        firstSeenAt: visitor.firstSeenAt,
      };
      guarded('visitor', () => this.#sql.updateVisitor.run(visitorToRow(updated)));
      return this.#requireVisitor(id);
    });
  }

  async mergeVisitor(fromId: string, intoId: string): Promise<void> {
    if (fromId === intoId) return;
    this.#immediate(() => {
      this.#requireVisitor(intoId);
      // A source already merged away is not an error: a retried merge must be harmless.
      if (!this.#sql.visitorById.get(fromId)) return;
      this.#sql.moveConversations.run(intoId, fromId);
      this.#sql.movePageViews.run(intoId, fromId);
      this.#sql.moveEvents.run(intoId, fromId);
      this.#sql.deleteVisitor.run(fromId);
    });
  }

  async addPageView(visitorId: string, page: PageView): Promise<void> {
    guarded('visitor', () => this.#sql.insertPageView.run(visitorId, page.url, page.title, page.at));
  }

  async listPageViews(visitorId: string, limit: number): Promise<PageView[]> {
    return this.#sql.newestPageViews.all(visitorId, clampLimit(limit)).map((row) => ({ url: row.url, title: row.title, at: row.at }));
  }

  async addEvent(visitorId: string, event: TrackedEvent): Promise<void> {
    guarded('visitor', () => this.#sql.insertEvent.run(visitorId, event.name, JSON.stringify(event.props), event.at));
  }

  async listEvents(visitorId: string, limit: number): Promise<TrackedEvent[]> {
    return this.#sql.newestEvents.all(visitorId, clampLimit(limit)).map(eventFromRow);
  }

  async createConversation(input: NewConversation): Promise<Conversation> {
    guarded('site or visitor', () => this.#sql.insertConversation.run(conversationToRow(newConversation(input))));
    return this.#requireConversation(input.id);
  }

  async getConversation(id: string): Promise<Conversation | null> {
    const row = this.#sql.conversationById.get(id);
    return row ? conversationFromRow(row) : null;
  }

  async listConversations(filter: ConversationFilter): Promise<Conversation[]> {
    this.#appends.flush();
    this.#listQueries ??= new ConversationListQueries(this.#db);
    const { statement, params } = this.#listQueries.forFilter(filter);
    return statement.all(params).map(conversationFromRow);
  }

  async updateConversation(id: string, patch: ConversationPatch, at: number): Promise<Conversation> {
    return this.#immediate(() => {
      const conversation = this.#requireConversation(id);
      const merged = { ...conversation, ...definedFields(patch) };
      const row = this.#sql.patchConversation.get({
        id,
        status: merged.status,
        assignee_id: merged.assigneeId,
        resolved_at: merged.resolvedAt,
        visitor_read_seq: merged.visitorReadSeq,
        agent_read_seq: merged.agentReadSeq,
        updated_at: at,
      });
      if (!row) throw notFound('conversation', id);
      return conversationFromRow(row);
    });
  }

  async appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.#appends.submit(input);
  }

  /** Dedupe, take the next seq, insert: the body of the append transaction. */
  #appendInTransaction(input: NewMessage): AppendResult {
    const existing = this.#sql.messageByClientId.get(input.authorId, input.clientId);
    if (existing) return { message: messageFromRow(existing), duplicate: true };
    const advanced = this.#sql.advanceConversation.get({
      id: input.conversationId,
      text: input.text,
      author: input.author,
      at: input.at,
    });
    if (!advanced) throw notFound('conversation', input.conversationId);
    const row: MessageRow = {
      id: input.id,
      conversation_id: input.conversationId,
      seq: advanced.last_seq,
      client_id: input.clientId,
      author: input.author,
      author_id: input.authorId,
      author_name: input.authorName ?? null,
      text: input.text,
      at: input.at,
    };
    // A clash here (a reused message id) rolls back the seq taken above with the transaction.
    guarded('conversation', () => this.#sql.insertMessage.run(row));
    return { message: messageFromRow(row), duplicate: false };
  }

  async findMessageByClientId(authorId: string, clientId: string): Promise<Message | null> {
    const row = this.#sql.messageByClientId.get(authorId, clientId);
    return row ? messageFromRow(row) : null;
  }

  async listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    return this.#sql.messagesAfter.all(conversationId, afterSeq, clampLimit(limit)).map(messageFromRow);
  }

  /** Runs `work` in an IMMEDIATE transaction: it takes the write lock before its first read. */
  #immediate<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  #requireSite(id: string): Site {
    const row = this.#sql.siteById.get(id);
    if (!row) throw notFound('site', id);
    return siteFromRow(row);
  }

  #requireAgent(id: string): Agent {
    const row = this.#sql.agentById.get(id);
    if (!row) throw notFound('agent', id);
    return agentFromRow(row);
  }

  #requireVisitor(id: string): Visitor {
    const row = this.#sql.visitorById.get(id);
    if (!row) throw notFound('visitor', id);
    return visitorFromRow(row);
  }

  #requireConversation(id: string): Conversation {
    const row = this.#sql.conversationById.get(id);
    if (!row) throw notFound('conversation', id);
    return conversationFromRow(row);
  }
}

/** A LIMIT SQLite reads as intended: never negative (which would mean "no limit"). */
function clampLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}
