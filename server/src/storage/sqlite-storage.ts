/**
 * The embedded default Storage: one SQLite file (`<dataDir>/parley.db`) through better-sqlite3,
 * in WAL mode (`open-sqlite-database.ts` says what survives what).
 *
 * better-sqlite3 is synchronous, so each method runs to completion before the next starts:
 * concurrent calls from one process are serialised for free. Writes that read first run in
 * IMMEDIATE transactions so that several processes sharing the file cannot interleave them.
 * Message appends are group-committed by a worker thread with its own connection
 * (`sqlite-append-batch.ts`), so their commits, the relay's heaviest writes, leave the event loop
 * free. Calls on conversations and messages wait for the appends made before them, so they
 * observe them as if appends were not batched; other writes only wait while a batch is on the
 * worker, so the two connections never contend for the lock. Once the store carries traffic, WAL
 * checkpoints run in another worker instead of inside commits (`checkpoint-handoff.ts`), and
 * every committed change to conversations and visitors is reported to `watch` listeners (the
 * broker's caches).
 */
import type { Database } from 'better-sqlite3';
import type { Callback, Message, PageView, TrackedEvent } from '@parley/protocol';
import { migrate } from './migrations.js';
import { definedFields, emailKey, touchedVisitor, meetsExpectation, newConversation, secondOpenConversation, staleConversation, type NewConversation } from './records.js';
import {
  agentFromRow,
  agentToRow,
  callbackFromRow,
  conversationFromRow,
  conversationToRow,
  eventFromRow,
  messageFromRow,
  newCallbackRow,
  siteFromRow,
  siteToRow,
  visitorFromRow,
  visitorToRow,
  type ConversationRow,
} from './sqlite-rows.js';
import { CallbackListQueries, ConversationListQueries, prepareStatements, type Statements } from './sqlite-statements.js';
import { ChangeFeed } from './change-feed.js';
import { CheckpointHandoff } from './checkpoint-handoff.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { SqliteAdmin } from './sqlite-admin.js';
import { SqliteAppendBatch } from './sqlite-append-batch.js';
import { notFound } from './storage-error.js';
import { guarded } from './translate-sqlite-error.js';
import type {
  Agent,
  AgentSession,
  AppendResult,
  CallbackFilter,
  CallbackPatch,
  CreateCallbackResult,
  NewCallback,
  Conversation,
  ConversationFilter,
  ConversationExpectation,
  ConversationPatch,
  NewMessage,
  Site,
  SiteRemoval,
  Storage,
  StorageChange,
  Visitor,
  VisitorPatch,
  VisitorTouch,
} from './storage.js';

export { DATABASE_FILE } from './open-sqlite-database.js';

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

/** A Storage on one SQLite file. */
export class SqliteStorage implements Storage {
  readonly #db: Database;
  #statements: Statements | null = null;
  #listQueries: ConversationListQueries | null = null;
  #callbackQueries: CallbackListQueries | null = null;
  #adminQueries: SqliteAdmin | null = null;
  /** Appends queued while the previous batch committed, committed together on the append worker. */
  readonly #appends: SqliteAppendBatch;
  readonly #changes = new ChangeFeed();
  readonly #checkpoints: CheckpointHandoff;

  constructor(options: SqliteStorageOptions) {
    const synchronous = options.synchronous ?? 'normal';
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    this.#db = openSqliteDatabase({ dataDir: options.dataDir, synchronous, busyTimeoutMs });
    this.#checkpoints = new CheckpointHandoff({
      db: this.#db,
      file: this.#db.name,
      synchronous,
      after: options.backgroundCheckpointsAfter === undefined ? 1_000 : options.backgroundCheckpointsAfter,
      onHandoff: () => this.#appends.stopAutocheckpoints(),
    });
    this.#appends = new SqliteAppendBatch({
      db: this.#db,
      file: this.#db.name,
      synchronous,
      busyTimeoutMs,
      onCommit: (appended, conversations) => this.#appendsCommitted(appended, conversations),
    });
  }

  /** The underlying connection, for diagnostics and tests (pragmas, schema checks). */
  get database(): Database {
    return this.#db;
  }

  /**
   * The prepared statements, prepared on first use (after `migrate` has created their tables).
   * A call on conversations or messages first awaits `this.#appends.settled()` (a read) or
   * `writable()` (a write), so it sees every append made before it, as if appends were not
   * batched; any other write awaits `idle()`, so it never meets the append worker's lock. Each
   * await comes right before the synchronous statements it guards.
   */
  get #sql(): Statements {
    this.#statements ??= prepareStatements(this.#db);
    return this.#statements;
  }

  async migrate(): Promise<void> {
    await this.#appends.writable();
    migrate(this.#db);
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    // The workers' connections go first, so that closing the last one checkpoints the WAL whole.
    await this.#appends.close();
    await this.#checkpoints.stop();
    if (this.#db.open) this.#db.close();
  }

  /** Reads a value of the store's small key-value table, or null. */
  async getMeta(key: string): Promise<string | null> {
    return this.#sql.getMeta.get(key)?.value ?? null;
  }

  /** Writes a value of the store's small key-value table. */
  async setMeta(key: string, value: string): Promise<void> {
    await this.#appends.idle();
    this.#sql.setMeta.run(key, value);
  }

  async createSite(site: Site): Promise<Site> {
    await this.#appends.idle();
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
    await this.#appends.idle();
    return this.#immediate(() => {
      const site = this.#requireSite(id);
      const updated: Site = { ...site, ...definedFields(patch), id: site.id, createdAt: site.createdAt };
      guarded('site', () => this.#sql.updateSite.run(siteToRow(updated)));
      return this.#requireSite(id);
    });
  }

  async createAgent(agent: Agent): Promise<Agent> {
    await this.#appends.idle();
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
    await this.#appends.idle();
    return this.#immediate(() => {
      const agent = this.#requireAgent(id);
      const updated: Agent = { ...agent, ...definedFields(patch), id: agent.id, createdAt: agent.createdAt };
      guarded('agent', () => this.#sql.updateAgent.run(agentToRow(updated)));
      return this.#requireAgent(id);
    });
  }

  async listAgentSites(agentId: string): Promise<string[]> {
    return this.#sql.agentSiteIds.all(agentId);
  }

  async addAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    await this.#appends.idle();
    this.#immediate(() => {
      this.#requireAgent(agentId);
      for (const siteId of siteIds) {
        this.#requireSite(siteId);
        this.#sql.insertAgentSite.run(agentId, siteId);
      }
    });
  }

  async removeAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    await this.#appends.idle();
    this.#immediate(() => {
      this.#requireAgent(agentId);
      for (const siteId of siteIds) this.#sql.deleteAgentSite.run(agentId, siteId);
    });
  }

  async createVisitor(visitor: Visitor): Promise<Visitor> {
    await this.#appends.idle();
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
    await this.#appends.idle();
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

  async touchVisitors(touches: readonly VisitorTouch[], keepPages?: number): Promise<void> {
    if (touches.length === 0) return;
    await this.#appends.idle();
    const sql = this.#sql;
    const touched = this.#immediate(() => {
      const written: Visitor[] = [];
      for (const touch of touches) {
        const row = sql.visitorById.get(touch.visitorId);
        // Merged into a known user since: its touches are the other visitor's business now.
        if (!row) continue;
        const visitor = touchedVisitor(visitorFromRow(row), touch);
        sql.updateVisitor.run(visitorToRow(visitor));
        for (const page of touch.pages ?? []) sql.insertPageView.run(visitor.id, page.url, page.title, page.at);
        if (keepPages !== undefined && touch.pages?.length) sql.prunePageViews.run(visitor.id, visitor.id, Math.max(0, keepPages));
        written.push(visitor);
      }
      return written;
    });
    for (const visitor of touched) this.#visitorChanged(visitor);
  }

  async mergeVisitor(fromId: string, intoId: string): Promise<void> {
    if (fromId === intoId) return;
    await this.#appends.writable();
    const sql = this.#sql;
    let resolvedByMerge: Conversation | null = null;
    const merged = this.#immediate(() => {
      this.#requireVisitor(intoId);
      // A source already merged away is not an error: a retried merge must be harmless.
      if (!sql.visitorById.get(fromId)) return false;
      resolvedByMerge = this.#keepOneOpen(fromId, intoId);
      sql.moveConversations.run(intoId, fromId);
      sql.movePageViews.run(intoId, fromId);
      sql.moveEvents.run(intoId, fromId);
      sql.moveCallbacks.run(intoId, fromId);
      sql.deleteVisitor.run(fromId);
      return true;
    });
    if (resolvedByMerge) this.#conversationChanged(resolvedByMerge);
    if (merged) this.#changes.emit({ kind: 'visitor-merged', fromId, intoId });
  }

  async addPageView(visitorId: string, page: PageView, keep?: number): Promise<void> {
    await this.#appends.idle();
    const sql = this.#sql;
    this.#immediate(() => {
      guarded('visitor', () => sql.insertPageView.run(visitorId, page.url, page.title, page.at));
      if (keep !== undefined) sql.prunePageViews.run(visitorId, visitorId, Math.max(0, keep));
    });
  }

  async listPageViews(visitorId: string, limit: number): Promise<PageView[]> {
    return this.#sql.newestPageViews.all(visitorId, clampLimit(limit)).map((row) => ({ url: row.url, title: row.title, at: row.at }));
  }

  async addEvent(visitorId: string, event: TrackedEvent, keep?: number): Promise<void> {
    await this.#appends.idle();
    const sql = this.#sql;
    this.#immediate(() => {
      guarded('visitor', () => sql.insertEvent.run(visitorId, event.name, JSON.stringify(event.props), event.at));
      if (keep !== undefined) sql.pruneEvents.run(visitorId, visitorId, Math.max(0, keep));
    });
  }

  async listEvents(visitorId: string, limit: number): Promise<TrackedEvent[]> {
    return this.#sql.newestEvents.all(visitorId, clampLimit(limit)).map(eventFromRow);
  }

  async createConversation(input: NewConversation): Promise<Conversation> {
    await this.#appends.writable();
    guarded('site or visitor', () => this.#sql.insertConversation.run(conversationToRow(newConversation(input))));
    const conversation = this.#requireConversation(input.id);
    this.#conversationChanged(conversation);
    return conversation;
  }

  async getConversation(id: string): Promise<Conversation | null> {
    await this.#appends.settled();
    const row = this.#sql.conversationById.get(id);
    return row ? conversationFromRow(row) : null;
  }

  async listConversations(filter: ConversationFilter): Promise<Conversation[]> {
    await this.#appends.settled();
    this.#listQueries ??= new ConversationListQueries(this.#db);
    const { statement, params } = this.#listQueries.forFilter(filter);
    return statement.all(params).map(conversationFromRow);
  }

  async updateConversation(id: string, patch: ConversationPatch, at: number, expect?: ConversationExpectation): Promise<Conversation> {
    await this.#appends.writable();
    const updated = this.#immediate(() => {
      const conversation = this.#requireConversation(id);
      // Checked inside the immediate transaction: no other process can write in between.
      if (!meetsExpectation(conversation, expect)) throw staleConversation(id);
      if (patch.status === 'open' && conversation.status !== 'open' && this.#sql.openConversationOf.get(conversation.visitorId)) {
        throw secondOpenConversation(conversation.visitorId);
      }
      return this.#patch(conversation, patch, at);
    });
    this.#conversationChanged(updated);
    return updated;
  }

  /** Writes `patch` over `conversation` (inside a transaction the caller holds). */
  #patch(conversation: Conversation, patch: ConversationPatch, at: number): Conversation {
    const merged = { ...conversation, ...definedFields(patch) };
    const row = guarded('conversation', () =>
      this.#sql.patchConversation.get({
        id: conversation.id,
        status: merged.status,
        assignee_id: merged.assigneeId,
        resolved_at: merged.resolvedAt,
        visitor_read_seq: merged.visitorReadSeq,
        agent_read_seq: merged.agentReadSeq,
        updated_at: at,
      }),
    );
    if (!row) throw notFound('conversation', conversation.id);
    return conversationFromRow(row);
  }

  /**
   * Before a merge (inside its transaction): of the two visitors' open conversations, the one
   * updated last stays open, the other is resolved at its last activity. Returns the resolved one.
   */
  #keepOneOpen(fromId: string, intoId: string): Conversation | null {
    const from = this.#sql.openConversationOf.get(fromId);
    const into = this.#sql.openConversationOf.get(intoId);
    if (!from || !into) return null;
    const older = conversationFromRow(from.updated_at > into.updated_at ? into : from);
    return this.#patch(older, { status: 'resolved', resolvedAt: older.updatedAt }, older.updatedAt);
  }

  async appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.#appends.submit(input);
  }

  /** Runs after a batch of appends COMMITTED, before any of its callers learns its outcome. */
  #appendsCommitted(appended: number, conversations: ConversationRow[]): void {
    this.#checkpoints.countAppends(appended);
    if (!this.#changes.active) return;
    for (const row of conversations) this.#changes.emit({ kind: 'conversation', conversation: conversationFromRow(row) });
  }

  async findMessageByClientId(authorId: string, clientId: string): Promise<Message | null> {
    await this.#appends.settled();
    const row = this.#sql.messageByClientId.get(authorId, clientId);
    return row ? messageFromRow(row) : null;
  }

  async listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    await this.#appends.settled();
    return this.#sql.messagesAfter.all(conversationId, afterSeq, clampLimit(limit)).map(messageFromRow);
  }

  async createCallback(input: NewCallback): Promise<CreateCallbackResult> {
    // The conversation must be committed if it was made by an append still queued.
    await this.#appends.writable();
    const sql = this.#sql;
    return this.#immediate(() => {
      const existing = sql.callbackByClientId.get(input.visitorId, input.clientId);
      if (existing) return { callback: callbackFromRow(existing), duplicate: true };
      guarded('conversation or visitor', () => sql.insertCallback.run(newCallbackRow(input)));
      return { callback: this.#requireCallback(input.id), duplicate: false };
    });
  }

  async getCallback(id: string): Promise<Callback | null> {
    const row = this.#sql.callbackById.get(id);
    return row ? callbackFromRow(row) : null;
  }

  async findCallbackByClientId(visitorId: string, clientId: string): Promise<Callback | null> {
    const row = this.#sql.callbackByClientId.get(visitorId, clientId);
    return row ? callbackFromRow(row) : null;
  }

  async updateCallback(id: string, patch: CallbackPatch, at: number): Promise<Callback> {
    await this.#appends.idle();
    const row = this.#sql.patchCallback.get({
      id,
      status: patch.status,
      agent_id: patch.agentId,
      agent_name: patch.agentName,
      updated_at: at,
    });
    if (!row) throw notFound('callback', id);
    return callbackFromRow(row);
  }

  async listCallbacks(filter: CallbackFilter): Promise<Callback[]> {
    this.#callbackQueries ??= new CallbackListQueries(this.#db);
    const { statement, params } = this.#callbackQueries.forFilter(filter);
    return statement.all(params).map(callbackFromRow);
  }

  async deleteAgent(id: string): Promise<boolean> {
    await this.#appends.idle();
    return this.#admin.deleteAgent(id);
  }

  async createAgentSession(session: AgentSession): Promise<void> {
    await this.#appends.idle();
    this.#requireAgent(session.agentId);
    guarded('agent session', () => this.#admin.createSession(session));
  }

  async liveAgentSessions(ids: readonly string[], now: number): Promise<Set<string>> {
    return this.#admin.liveSessions(ids, now);
  }

  async endAgentSession(id: string): Promise<boolean> {
    await this.#appends.idle();
    return this.#admin.endSession(id);
  }

  async endAgentSessions(agentId: string): Promise<number> {
    await this.#appends.idle();
    return this.#admin.endSessions(agentId);
  }

  async deleteSite(id: string): Promise<SiteRemoval | null> {
    // Queued appends commit first, so none lands in a conversation after it is gone.
    await this.#appends.writable();
    return this.#admin.deleteSite(id);
  }

  /** Account administration statements, prepared on first use (after `migrate`). */
  get #admin(): SqliteAdmin {
    this.#adminQueries ??= new SqliteAdmin(this.#db);
    return this.#adminQueries;
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

  #requireCallback(id: string): Callback {
    const row = this.#sql.callbackById.get(id);
    if (!row) throw notFound('callback', id);
    return callbackFromRow(row);
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
