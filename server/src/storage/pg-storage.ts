/**
 * The scale-out Storage: PostgreSQL through node-postgres, chosen with `PARLEY_DATABASE_URL`.
 * Several relay nodes share one database, which holds every invariant with unique indexes,
 * row locks and conditional writes, never with a lock inside one process: gapless unique seqs
 * and deduplicated client ids (`pg-append-batch.ts`), one open conversation per visitor, one
 * verified visitor per user id, and conditional conversation patches (`pg-conversations.ts`).
 *
 * This module is loaded only when a database URL is configured (`open-storage.ts` imports it
 * with `import()`), so a SQLite relay never loads `pg`. Each aggregate is a store of its own
 * (`PgSites`, `PgAgents`, `PgVisitors`, `PgConversations`, `PgCallbacks`, one module each) over
 * one pool; this class owns the pool, the migrations and the change feed, and routes to them.
 *
 * A write's promise settles after its transaction committed, and `watch` listeners hear of it
 * before it settles. A call sees every write that RESOLVED before it was made (appends travel in
 * batches, so an append still queued is not yet visible). Writes by other nodes are not reported
 * to `watch`: each node learns of those through the bus.
 */
import type { Callback, Message, PageView, TrackedEvent } from '@parley/protocol';
import { ChangeFeed } from './change-feed.js';
import { PgAgents } from './pg-agents.js';
import { PgCallbacks } from './pg-callbacks.js';
import { PgConversations } from './pg-conversations.js';
import { PgDatabase, type PgDatabaseOptions } from './pg-database.js';
import { DatabaseConnectionError } from './pg-errors.js';
import { migratePostgres, OccupiedDatabaseError, postgresSchemaVersion } from './pg-migrations.js';
import { PgSites } from './pg-sites.js';
import { PgVisitors } from './pg-visitors.js';
import type { NewConversation } from './records.js';
import type {
  Agent,
  AgentSession,
  AppendResult,
  CallbackFilter,
  CallbackPatch,
  Conversation,
  ConversationExpectation,
  ConversationFilter,
  ConversationPatch,
  CreateCallbackResult,
  NewCallback,
  NewMessage,
  Site,
  SiteRemoval,
  Storage,
  StorageChange,
  Visitor,
  VisitorPatch,
  VisitorTouch,
} from './storage.js';

/** How to open the PostgreSQL store. */
export type PgStorageOptions = PgDatabaseOptions;

/** A Storage on a PostgreSQL database. */
export class PgStorage implements Storage {
  readonly #db: PgDatabase;
  readonly #changes = new ChangeFeed();
  readonly #sites: PgSites;
  readonly #agents: PgAgents;
  readonly #visitors: PgVisitors;
  readonly #conversations: PgConversations;
  readonly #callbacks: PgCallbacks;
  #closed: Promise<void> | null = null;

  constructor(options: PgStorageOptions) {
    this.#db = new PgDatabase(options);
    this.#sites = new PgSites(this.#db);
    this.#agents = new PgAgents(this.#db);
    this.#visitors = new PgVisitors(this.#db, this.#changes);
    this.#conversations = new PgConversations(this.#db, this.#changes);
    this.#callbacks = new PgCallbacks(this.#db);
  }

  /** The database URL without its password. */
  get url(): string {
    return this.#db.url;
  }

  /** Runs one statement (diagnostics and tests: plans, schema checks); resolves with its rows. */
  async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.#db.query<R>(sql, params);
  }

  /** The schema version the database is at, 0 when Parley never migrated it. */
  async schemaVersion(): Promise<number> {
    return this.#db.withConnection((connection) => postgresSchemaVersion(connection));
  }

  async migrate(): Promise<void> {
    try {
      await this.#db.withConnection((connection) => migratePostgres(connection));
    } catch (error) {
      // The operator must fix this outside Parley: one line, like a connection failure.
      if (error instanceof OccupiedDatabaseError) throw new DatabaseConnectionError(this.url, error.message, error.code);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed ??= (async () => {
      // Appends already queued are written before the connections go.
      await this.#conversations.drainAppends();
      await this.#db.close();
    })();
    return this.#closed;
  }

  /** Reads a value of the store's small key-value table, or null. */
  async getMeta(key: string): Promise<string | null> {
    const [row] = await this.#db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return row?.value ?? null;
  }

  /** Writes a value of the store's small key-value table. */
  async setMeta(key: string, value: string): Promise<void> {
    await this.#db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  createSite(site: Site): Promise<Site> {
    return this.#sites.createSite(site);
  }

  getSite(id: string): Promise<Site | null> {
    return this.#sites.getSite(id);
  }

  getSiteByKey(key: string): Promise<Site | null> {
    return this.#sites.getSiteByKey(key);
  }

  listSites(): Promise<Site[]> {
    return this.#sites.listSites();
  }

  updateSite(id: string, patch: Partial<Omit<Site, 'id' | 'createdAt'>>): Promise<Site> {
    return this.#sites.updateSite(id, patch);
  }

  deleteSite(id: string): Promise<SiteRemoval | null> {
    return this.#sites.deleteSite(id);
  }

  createAgent(agent: Agent): Promise<Agent> {
    return this.#agents.createAgent(agent);
  }

  getAgent(id: string): Promise<Agent | null> {
    return this.#agents.getAgent(id);
  }

  getAgentByEmail(email: string): Promise<Agent | null> {
    return this.#agents.getAgentByEmail(email);
  }

  listAgents(): Promise<Agent[]> {
    return this.#agents.listAgents();
  }

  updateAgent(id: string, patch: Partial<Omit<Agent, 'id' | 'createdAt'>>): Promise<Agent> {
    return this.#agents.updateAgent(id, patch);
  }

  deleteAgent(id: string): Promise<boolean> {
    return this.#agents.deleteAgent(id);
  }

  createAgentSession(session: AgentSession): Promise<void> {
    return this.#agents.createAgentSession(session);
  }

  liveAgentSessions(ids: readonly string[], now: number): Promise<Set<string>> {
    return this.#agents.liveAgentSessions(ids, now);
  }

  endAgentSession(id: string): Promise<boolean> {
    return this.#agents.endAgentSession(id);
  }

  endAgentSessions(agentId: string): Promise<number> {
    return this.#agents.endAgentSessions(agentId);
  }

  listAgentSites(agentId: string): Promise<string[]> {
    return this.#agents.listAgentSites(agentId);
  }

  addAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    return this.#agents.addAgentSites(agentId, siteIds);
  }

  removeAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    return this.#agents.removeAgentSites(agentId, siteIds);
  }

  createVisitor(visitor: Visitor): Promise<Visitor> {
    return this.#visitors.createVisitor(visitor);
  }

  getVisitor(id: string): Promise<Visitor | null> {
    return this.#visitors.getVisitor(id);
  }

  findVisitorByUserId(siteId: string, userId: string): Promise<Visitor | null> {
    return this.#visitors.findVisitorByUserId(siteId, userId);
  }

  updateVisitor(id: string, patch: VisitorPatch): Promise<Visitor> {
    return this.#visitors.updateVisitor(id, patch);
  }

  touchVisitors(touches: readonly VisitorTouch[], keepPages?: number): Promise<void> {
    return this.#visitors.touchVisitors(touches, keepPages);
  }

  mergeVisitor(fromId: string, intoId: string): Promise<void> {
    return this.#visitors.mergeVisitor(fromId, intoId);
  }

  addPageView(visitorId: string, page: PageView, keep?: number): Promise<void> {
    return this.#visitors.addPageView(visitorId, page, keep);
  }

  listPageViews(visitorId: string, limit: number): Promise<PageView[]> {
    return this.#visitors.listPageViews(visitorId, limit);
  }

  addEvent(visitorId: string, event: TrackedEvent, keep?: number): Promise<void> {
    return this.#visitors.addEvent(visitorId, event, keep);
  }

  listEvents(visitorId: string, limit: number): Promise<TrackedEvent[]> {
    return this.#visitors.listEvents(visitorId, limit);
  }

  createConversation(conversation: NewConversation): Promise<Conversation> {
    return this.#conversations.createConversation(conversation);
  }

  getConversation(id: string): Promise<Conversation | null> {
    return this.#conversations.getConversation(id);
  }

  listConversations(filter: ConversationFilter): Promise<Conversation[]> {
    return this.#conversations.listConversations(filter);
  }

  updateConversation(id: string, patch: ConversationPatch, at: number, expect?: ConversationExpectation): Promise<Conversation> {
    return this.#conversations.updateConversation(id, patch, at, expect);
  }

  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.#conversations.appendMessage(message);
  }

  findMessageByClientId(authorId: string, clientId: string): Promise<Message | null> {
    return this.#conversations.findMessageByClientId(authorId, clientId);
  }

  listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    return this.#conversations.listMessages(conversationId, afterSeq, limit);
  }

  createCallback(callback: NewCallback): Promise<CreateCallbackResult> {
    return this.#callbacks.createCallback(callback);
  }

  getCallback(id: string): Promise<Callback | null> {
    return this.#callbacks.getCallback(id);
  }

  findCallbackByClientId(visitorId: string, clientId: string): Promise<Callback | null> {
    return this.#callbacks.findCallbackByClientId(visitorId, clientId);
  }

  updateCallback(id: string, patch: CallbackPatch, at: number): Promise<Callback> {
    return this.#callbacks.updateCallback(id, patch, at);
  }

  listCallbacks(filter: CallbackFilter): Promise<Callback[]> {
    return this.#callbacks.listCallbacks(filter);
  }

  watch(listener: (change: StorageChange) => void): () => void {
    return this.#changes.watch(listener);
  }
}

/**
 * Opens a PostgreSQL store and proves it usable: connects, and migrates (or, with `create`
 * false, refuses a database Parley never migrated). Connection failures and refused credentials
 * reject with a one-line `DatabaseConnectionError`.
 */
export async function openPgStorage(options: PgStorageOptions & { create?: boolean }): Promise<PgStorage> {
  const storage = new PgStorage(options);
  try {
    if (options.create === false && (await storage.schemaVersion()) === 0) {
      throw new DatabaseConnectionError(storage.url, 'it holds no Parley installation (only parley start creates one)');
    }
    await storage.migrate();
    return storage;
  } catch (error) {
    await storage.close();
    throw error;
  }
}
