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
 * Calls on conversations and messages commit the queued appends first, so they observe every
 * append made before them; calls on other tables never meet an append and leave the queue alone,
 * so a visitor lookup between two sends does not split their batch. Once the store carries
 * traffic, WAL checkpoints run in a worker thread instead of inside commits
 * (`wal-checkpointer.ts`), and every committed change to conversations and visitors is reported
 * to `watch` listeners (the broker's caches).
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
  type ConversationRow,
  type MessageRow,
} from './sqlite-rows.js';
import { ConversationListQueries, prepareStatements, type Statements } from './sqlite-statements.js';
import { ChangeFeed } from './change-feed.js';
import { GroupCommit, type Settled } from './group-commit.js';
import { StorageError, notFound } from './storage-error.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import type {
  Agent,
  AppendResult,
  Conversation,
  ConversationFilter,
  ConversationPatch,
  NewMessage,
  Site,
  Storage,
  StorageChange,
  Visitor,
  VisitorPatch,
} from './storage.js';

/** What the WAL file is cut back to when it restarts, once checkpoints run in the worker. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

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
  /**
   * Committed appends after which WAL checkpoints move from inside commits (SQLite's default) to
   * a worker thread (`wal-checkpointer.ts`); null never moves them. Default 1000: a store that
   * carries chat traffic moves at once, a short-lived one (a CLI command, a test) never pays for
   * a thread.
   */
  backgroundCheckpointsAfter?: number | null;
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
  readonly #changes = new ChangeFeed();
  #checkpointer: WalCheckpointer | null = null;
  readonly #checkpointerFile: string;
  readonly #synchronous: 'normal' | 'full';
  /** Appends still to commit before the checkpointer starts (null: it never starts). */
  #appendsBeforeCheckpointer: number | null;

  constructor(options: SqliteStorageOptions) {
    const file = join(options.dataDir, DATABASE_FILE);
    // `timeout` is SQLite's busy_timeout: how long to wait for another process's write lock.
    this.#db = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 5_000 });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.#db.pragma('foreign_keys = ON');
    this.#checkpointerFile = file;
    this.#synchronous = options.synchronous ?? 'normal';
    const after = options.backgroundCheckpointsAfter === undefined ? 1_000 : options.backgroundCheckpointsAfter;
    this.#appendsBeforeCheckpointer = after === null ? null : Math.max(0, after);
    // A batch first runs every append straight in one transaction. Should one be refused
    // (unknown conversation, clashing id), that whole attempt rolls back and the batch runs again
    // with each append in its own savepoint, so the refused one rolls back alone. Savepoints cost
    // two statements per append, and refusals are rare.
    const appendAll = this.#db.transaction((inputs: NewMessage[]): Settled<Appended>[] =>
      inputs.map((input) => {
        try {
          return { ok: true, value: this.#appendInTransaction(input) };
        } catch (error) {
          throw new AppendRefused(error);
        }
      }),
    );
    const appendOne = this.#db.transaction((input: NewMessage) => this.#appendInTransaction(input));
    const appendEach = this.#db.transaction((inputs: NewMessage[]): Settled<Appended>[] =>
      inputs.map((input) => {
        try {
          return { ok: true, value: appendOne(input) };
        } catch (error) {
          return { ok: false, error: translateError(error, 'conversation') };
        }
      }),
    );
    const commitBatch = (inputs: NewMessage[]): Settled<Appended>[] => {
      try {
        return appendAll.immediate(inputs);
      } catch (error) {
        if (!(error instanceof AppendRefused)) throw error;
        return appendEach.immediate(inputs);
      }
    };
    this.#appends = new GroupCommit((inputs) => this.#reportAppends(commitBatch(inputs)));
  }

  /** The underlying connection, for diagnostics and tests (pragmas, schema checks). */
  get database(): Database {
    return this.#db;
  }

  /**
   * The prepared statements, for tables appends never touch (sites, agents, visitors, page
   * views, events, meta). Statements are prepared on first use, after `migrate` has created
   * their tables.
   */
  get #sql(): Statements {
    this.#statements ??= prepareStatements(this.#db);
    return this.#statements;
  }

  /**
   * The prepared statements, after committing the queued appends: every call on conversations
   * and messages goes through here, so it sees every append made before it, as if appends were
   * not batched.
   */
  get #afterAppends(): Statements {
    this.#appends.flush();
    return this.#sql;
  }

  async migrate(): Promise<void> {
    this.#appends.flush();
    migrate(this.#db);
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    this.#appends.flush();
    // The worker's connection goes first, so that closing the last one checkpoints the WAL whole.
    await this.#checkpointer?.stop();
    if (this.#db.open) this.#db.close();
  }

  /** Moves WAL checkpoints to the worker thread: this connection stops checkpointing on its own. */
  #startCheckpointer(): void {
    this.#appendsBeforeCheckpointer = null;
    this.#db.pragma('wal_autocheckpoint = 0');
    // A restarted WAL is cut back to this size, so one burst does not keep a huge file around.
    this.#db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.#checkpointer = new WalCheckpointer({
      file: this.#checkpointerFile,
      synchronous: this.#synchronous,
      onRestartDue: () => this.#checkpointNow(),
    });
  }

  /**
   * Copies what the background checkpointer left of the WAL, on this connection, so that the
   * next write restarts the WAL from its beginning (see `wal-checkpointer.ts`).
   */
  #checkpointNow(): void {
    if (!this.#db.open) return;
    try {
      this.#db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy: the worker asks again while the WAL stays large.
    }
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
    return this.#visitorChanged(this.#requireVisitor(visitor.id));
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
    const committed = this.#immediate(() => {
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
    return this.#visitorChanged(committed);
  }

  async mergeVisitor(fromId: string, intoId: string): Promise<void> {
    if (fromId === intoId) return;
    const sql = this.#afterAppends;
    const merged = this.#immediate(() => {
      this.#requireVisitor(intoId);
      // A source already merged away is not an error: a retried merge must be harmless.
      if (!sql.visitorById.get(fromId)) return false;
      sql.moveConversations.run(intoId, fromId);
      sql.movePageViews.run(intoId, fromId);
      sql.moveEvents.run(intoId, fromId);
      sql.deleteVisitor.run(fromId);
      return true;
    });
    if (merged) this.#changes.emit({ kind: 'visitor-merged', fromId, intoId });
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
    guarded('site or visitor', () => this.#afterAppends.insertConversation.run(conversationToRow(newConversation(input))));
    const conversation = this.#requireConversation(input.id);
    this.#conversationChanged(conversation);
    return conversation;
  }

  async getConversation(id: string): Promise<Conversation | null> {
    const row = this.#afterAppends.conversationById.get(id);
    return row ? conversationFromRow(row) : null;
  }

  async listConversations(filter: ConversationFilter): Promise<Conversation[]> {
    this.#appends.flush();
    this.#listQueries ??= new ConversationListQueries(this.#db);
    const { statement, params } = this.#listQueries.forFilter(filter);
    return statement.all(params).map(conversationFromRow);
  }

  async updateConversation(id: string, patch: ConversationPatch, at: number): Promise<Conversation> {
    this.#appends.flush();
    const updated = this.#immediate(() => {
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
    this.#conversationChanged(updated);
    return updated;
  }

  async appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.#appends.submit(input);
  }

  /** Dedupe, take the next seq, insert: the body of the append transaction. */
  #appendInTransaction(input: NewMessage): Appended {
    const existing = this.#sql.messageByClientId.get(input.authorId, input.clientId);
    if (existing) return { result: { message: messageFromRow(existing), duplicate: true }, conversation: null };
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
    return { result: { message: messageFromRow(row), duplicate: false }, conversation: advanced };
  }

  /** Runs after a batch of appends COMMITTED: reports what changed, hands back each result. */
  #reportAppends(outcomes: Settled<Appended>[]): Settled<AppendResult>[] {
    if (this.#appendsBeforeCheckpointer !== null) {
      this.#appendsBeforeCheckpointer -= outcomes.length;
      if (this.#appendsBeforeCheckpointer <= 0) this.#startCheckpointer();
    }
    const report = this.#changes.active;
    return outcomes.map((outcome) => {
      if (!outcome.ok) return outcome;
      const { result, conversation } = outcome.value;
      if (report && conversation) this.#changes.emit({ kind: 'conversation', conversation: conversationFromRow(conversation) });
      return { ok: true, value: result };
    });
  }

  async findMessageByClientId(authorId: string, clientId: string): Promise<Message | null> {
    const row = this.#afterAppends.messageByClientId.get(authorId, clientId);
    return row ? messageFromRow(row) : null;
  }

  async listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    return this.#afterAppends.messagesAfter.all(conversationId, afterSeq, clampLimit(limit)).map(messageFromRow);
  }

  watch(listener: (change: StorageChange) => void): () => void {
    return this.#changes.watch(listener);
  }

  /** Reports a committed visitor state to watchers (a copy: the caller gets `visitor`); returns `visitor`. */
  #visitorChanged(visitor: Visitor): Visitor {
    if (this.#changes.active) this.#changes.emit({ kind: 'visitor', visitor: structuredClone(visitor) });
    return visitor;
  }

  /** Reports a committed conversation state to watchers (a copy: the caller gets `conversation`). */
  #conversationChanged(conversation: Conversation): void {
    if (this.#changes.active) this.#changes.emit({ kind: 'conversation', conversation: structuredClone(conversation) });
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

/** Thrown inside a batch's straight attempt when one append is refused (see the constructor). */
class AppendRefused extends Error {
  constructor(cause: unknown) {
    super('An append of the batch was refused.', { cause });
  }
}

/** One append inside a batch: its result, and the conversation's row after it (null for a duplicate). */
interface Appended {
  result: AppendResult;
  conversation: ConversationRow | null;
}

/** A LIMIT SQLite reads as intended: never negative (which would mean "no limit"). */
function clampLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}
