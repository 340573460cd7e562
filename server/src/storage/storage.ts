/**
 * The Storage interface: the relay's source of truth. The broker depends on this interface only,
 * never on a driver. Implementations: `MemoryStorage` (tests, ephemeral runs), `SqliteStorage`
 * (the embedded default) and `PgStorage` (several relay nodes on PostgreSQL). One contract suite
 * (`storage.contract.ts`) runs against each.
 *
 * Every method is async so that network-backed stores (PostgreSQL) fit the same shape.
 * Times are milliseconds since the epoch.
 */
import type {
  Author,
  Callback,
  CallbackStatus,
  ConversationStatus,
  Message,
  PageView,
  Role,
  TrackedEvent,
  VisitorProfile,
} from '@parley/protocol';

/** A website that embeds the widget. */
export interface Site {
  id: string;
  /** Public key named in the script tag. */
  key: string;
  name: string;
  /** Secret for identity verification (`userHash` = HMAC-SHA256(userId) under it, hex). */
  secret: string;
  /**
   * Origins allowed to embed the widget: exact origins (`https://shop.example`) or patterns with
   * a `*` port or subdomain (`http://localhost:*`, `https://*.example.com`).
   */
  allowedOrigins: string[];
  createdAt: number;
}

/** An agent account. */
export interface Agent {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash`, see `server/src/auth/password.ts`. */
  passwordHash: string;
  createdAt: number;
}

/**
 * A console sign-in: what an agent token names by its `sid`. A token is honoured only while its
 * session is stored, so signing out, a password change or removing the agent ends it on every
 * relay node (each checks the store at the upgrade and in its periodic sweep).
 */
export interface AgentSession {
  id: string;
  agentId: string;
  createdAt: number;
  /** The token's expiry; the row may be pruned after it. */
  expiresAt: number;
}

/** What removing a site removed with it. */
export interface SiteRemoval {
  visitors: number;
  conversations: number;
  messages: number;
  callbacks: number;
}

/**
 * A visitor as stored (the profile shown to agents adds presence). `userId` is the id the page
 * named: proven when `verified`, else only claimed; a store keeps the two apart, so that only a
 * proven id makes a visitor the canonical one of its user (`findVisitorByUserId`).
 */
export type Visitor = Omit<VisitorProfile, 'online'>;

/** Fields of a visitor that can be changed. */
export type VisitorPatch = Partial<Omit<Visitor, 'id' | 'siteId' | 'firstSeenAt'>>;

/** A conversation as stored. */
export interface Conversation {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  assigneeId: string | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  /** Seq of the newest message, 0 when none. */
  lastSeq: number;
  /**
   * The last message a person (the visitor or an agent) wrote; system lines ("Ann resolved the
   * conversation") do not replace it. Until a person wrote, the newest system line; null while
   * there is no message.
   */
  lastMessage: { text: string; author: Author; at: number } | null;
  /** When an agent first replied; null until then. For first-response time. */
  firstResponseAt: number | null;
  visitorReadSeq: number;
  agentReadSeq: number;
}

/** Fields of a conversation the broker may change. */
export type ConversationPatch = Partial<
  Pick<Conversation, 'status' | 'assigneeId' | 'resolvedAt' | 'visitorReadSeq' | 'agentReadSeq'>
>;

/**
 * What a conditional conversation write expects to find: every given field must hold in the
 * stored row, or the write is refused with `conflict` and changes nothing. This is how an
 * invariant such as "answering a waiting conversation takes it" holds across relay nodes: the
 * check and the write are one statement in the store, not a read on one node then a write.
 */
export interface ConversationExpectation {
  status?: ConversationStatus;
  /** A given agent id, or null for "nobody has it". */
  assigneeId?: string | null;
}

/** A message to append; the store assigns `seq`. */
export interface NewMessage {
  id: string;
  conversationId: string;
  clientId: string;
  author: Author;
  authorId: string;
  authorName?: string;
  text: string;
  at: number;
}

/** The result of appending: the stored message, and whether it was already there (a retry). */
export interface AppendResult {
  message: Message;
  duplicate: boolean;
}

/** Which conversations to list. Every given field must match; results are newest `updatedAt` first. */
export interface ConversationFilter {
  siteIds?: string[];
  visitorId?: string;
  status?: ConversationStatus;
  /** A given agent id, or null for unassigned only. */
  assigneeId?: string | null;
  /** Only conversations updated strictly before this time (paging). */
  before?: number;
  /** Only conversations updated strictly after this time (what changed while a node was cut off). */
  updatedAfter?: number;
  limit: number;
}

/** A callback request to store; it starts `requested`, with no agent. */
export interface NewCallback {
  id: string;
  /** The visitor's nanoid for the request: a retry with the same one is the same request. */
  clientId: string;
  conversationId: string;
  visitorId: string;
  /** E.164. */
  phone: string;
  window: { from: number; to: number } | null;
  note: string | null;
  createdAt: number;
}

/** What an agent changed about a callback request: its status and who did it. */
export interface CallbackPatch {
  status: CallbackStatus;
  agentId: string | null;
  agentName: string | null;
}

/** Which callback requests to list. Every given field must match; results are newest `createdAt` first. */
export interface CallbackFilter {
  /** Only requests of conversations of these sites. */
  siteIds?: string[];
  visitorId?: string;
  conversationId?: string;
  /** Any of these statuses. */
  statuses?: CallbackStatus[];
  /** Only requests made at or after this time (a visitor's daily cap). */
  createdSince?: number;
  limit: number;
}

/** The result of storing a callback request: the stored one, and whether it was already there (a retry). */
export interface CreateCallbackResult {
  callback: Callback;
  duplicate: boolean;
}

/**
 * A committed change to conversations or visitors that a copy kept outside the store (the
 * broker's caches) must follow. Reported by `Storage.watch` only after the write committed, never for a write
 * that failed or changed nothing (a deduplicated append).
 */
export type StorageChange =
  /** A conversation was created, patched or received a message: its state after the commit. */
  | { kind: 'conversation'; conversation: Conversation }
  /** A visitor was created or updated: its state after the commit. */
  | { kind: 'visitor'; visitor: Visitor }
  /** Every conversation of visitor `fromId` now belongs to `intoId`, and `fromId` is gone. */
  | { kind: 'visitor-merged'; fromId: string; intoId: string };

/** Sites: the websites that embed the widget (contract: `sites.contract.ts`). */
export interface SiteStore {
  createSite(site: Site): Promise<Site>;

  getSite(id: string): Promise<Site | null>;

  getSiteByKey(key: string): Promise<Site | null>;

  listSites(): Promise<Site[]>;

  updateSite(id: string, patch: Partial<Omit<Site, 'id' | 'createdAt'>>): Promise<Site>;

  /**
   * Deletes a site and everything of it: its visitors (with their page views and events), their
   * conversations, messages and callback requests. Resolves null when there is no such site.
   */
  deleteSite(id: string): Promise<SiteRemoval | null>;
}

/** Agents, their console sessions and their site memberships (contracts: `agents.contract.ts`, `admin.contract.ts`). */
export interface AgentStore {
  createAgent(agent: Agent): Promise<Agent>;

  getAgent(id: string): Promise<Agent | null>;

  /** Emails compare case-insensitively. */
  getAgentByEmail(email: string): Promise<Agent | null>;

  listAgents(): Promise<Agent[]>;

  updateAgent(id: string, patch: Partial<Omit<Agent, 'id' | 'createdAt'>>): Promise<Agent>;

  /**
   * Deletes the agent and ends every session of theirs; resolves false when there was none.
   * Their messages keep their name; conversations assigned to them stay assigned.
   */
  deleteAgent(id: string): Promise<boolean>;

  /** Stores a new console session (and forgets sessions expired before `createdAt`). */
  createAgentSession(session: AgentSession): Promise<void>;

  /** The ids among `ids` whose session is stored and not expired at `now` (one query for a whole sweep). */
  liveAgentSessions(ids: readonly string[], now: number): Promise<Set<string>>;

  /** Ends one session (sign-out); resolves false when it was already gone. */
  endAgentSession(id: string): Promise<boolean>;

  /** Ends every session of an agent (a password change); resolves how many there were. */
  endAgentSessions(agentId: string): Promise<number>;

  /**
   * The ids of the sites an agent belongs to, oldest site first. Membership is what scopes agents
   * and supervisors; admins see every site by their role, whatever is stored here.
   */
  listAgentSites(agentId: string): Promise<string[]>;

  /** Makes the agent a member of these sites (a membership already there stays). `not_found` for an unknown agent or site. */
  addAgentSites(agentId: string, siteIds: string[]): Promise<void>;

  /** Ends the agent's membership of these sites (one it does not have is ignored). `not_found` for an unknown agent. */
  removeAgentSites(agentId: string, siteIds: string[]): Promise<void>;
}

/**
 * What a visitor's connection says about them when it opens or closes: when they were last
 * seen, their device and language, the page they are on, and that page as a page view. Written
 * for many visitors at once (`VisitorStore.touchVisitors`), so a reconnect storm costs one write
 * per batch, not one per connection.
 */
export interface VisitorTouch {
  visitorId: string;
  /** Never moves a visitor's `lastSeenAt` back. */
  lastSeenAt: number;
  browser?: string;
  os?: string;
  language?: string;
  /** Replaces the current page unless the stored one is later. */
  currentPage?: PageView;
  /** Page views to record, oldest first. */
  pages?: PageView[];
}

/** Visitors, with their page views and tracked events (contract: `visitors.contract.ts`). */
export interface VisitorStore {
  createVisitor(visitor: Visitor): Promise<Visitor>;

  getVisitor(id: string): Promise<Visitor | null>;

  /**
   * The site's canonical visitor of a user id: the one VERIFIED visitor holding it. A visitor
   * whose `userId` is only claimed (`verified` false) is never found, and any number of them may
   * claim the same id. Creating or updating a second verified visitor with a taken id is a
   * `conflict`.
   */
  findVisitorByUserId(siteId: string, userId: string): Promise<Visitor | null>;

  updateVisitor(id: string, patch: VisitorPatch): Promise<Visitor>;

  /**
   * Writes many visitors' touches in one transaction (each visitor at most once per call: the
   * caller merges its touches first). Only the fields a touch names change; identity, name and
   * attributes written meanwhile stay. A visitor that no longer exists (merged into a known
   * user) is skipped. With `keepPages`, each visitor's page views beyond the newest
   * `keepPages` are deleted, as `addPageView` does.
   */
  touchVisitors(touches: readonly VisitorTouch[], keepPages?: number): Promise<void>;

  /**
   * Moves everything of visitor `fromId` (conversations, callback requests, page views, events) to `intoId` and
   * deletes `fromId`. When both have an open conversation, the one updated last stays open and
   * the other is resolved (at its `updatedAt`), so a visitor still has at most one. Used when an unverified visitor proves they are a known user; the broker
   * never merges into an unverified visitor (see `broker/identity.ts`).
   */
  mergeVisitor(fromId: string, intoId: string): Promise<void>;

  /**
   * Records a page view. With `keep`, the visitor's page views beyond the newest `keep` are
   * deleted in the same write, so no visitor's history grows without bound.
   */
  addPageView(visitorId: string, page: PageView, keep?: number): Promise<void>;

  /** Newest first. */
  listPageViews(visitorId: string, limit: number): Promise<PageView[]>;

  /** Records a tracked event; `keep` caps the visitor's events as for `addPageView`. */
  addEvent(visitorId: string, event: TrackedEvent, keep?: number): Promise<void>;

  /** Newest first. */
  listEvents(visitorId: string, limit: number): Promise<TrackedEvent[]>;
}

/** Conversations and their messages (contracts: `conversations.contract.ts`, `conversation-writes.contract.ts`). */
export interface ConversationStore {
  /**
   * Starts an open conversation. A visitor has at most one open conversation: when they already
   * have one, this is a `conflict` (a unique index in the store, so it holds across nodes).
   */
  createConversation(conversation: Pick<Conversation, 'id' | 'siteId' | 'visitorId' | 'createdAt'>): Promise<Conversation>;

  getConversation(id: string): Promise<Conversation | null>;

  listConversations(filter: ConversationFilter): Promise<Conversation[]>;

  /**
   * Applies the patch and bumps `updatedAt` to `at` (never back). With `expect`, only when the
   * stored conversation matches it; otherwise a `conflict` that writes and reports nothing.
   * Reopening (status `open`) while the visitor has another open conversation is a `conflict`.
   */
  updateConversation(id: string, patch: ConversationPatch, at: number, expect?: ConversationExpectation): Promise<Conversation>;

  /**
   * Appends a message durably and atomically: assigns the conversation's next seq, updates its
   * `lastSeq`, `updatedAt`, `lastMessage` (not with a system line after a person's message),
   * and `firstResponseAt` on the first agent message.
   * If a message with the same (`authorId`, `clientId`) exists, returns it with
   * `duplicate: true` and writes nothing. When this resolves the message survives the process
   * dying, and every later call on any store over the same database sees it.
   */
  appendMessage(message: NewMessage): Promise<AppendResult>;

  /** The message an author sent with this client id, if any (dedupe before choosing a conversation). */
  findMessageByClientId(authorId: string, clientId: string): Promise<Message | null>;

  /** Messages with seq > afterSeq, oldest first, at most `limit`. */
  listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]>;
}

/** Callback requests (contract: `callbacks.contract.ts`). */
export interface CallbackStore {
  /**
   * Stores a callback request. If the visitor already made one with the same `clientId`, returns
   * it with `duplicate: true` and writes nothing.
   */
  createCallback(callback: NewCallback): Promise<CreateCallbackResult>;

  getCallback(id: string): Promise<Callback | null>;

  /** The visitor's callback request with this client id, if any. */
  findCallbackByClientId(visitorId: string, clientId: string): Promise<Callback | null>;

  /** Sets the status and the agent, and `updatedAt` to `at`. */
  updateCallback(id: string, patch: CallbackPatch, at: number): Promise<Callback>;

  /** Newest `createdAt` first, at most `limit`. */
  listCallbacks(filter: CallbackFilter): Promise<Callback[]>;
}

/**
 * The relay's durable store: one store per aggregate, over one database so that a write across
 * them (removing a site, merging visitors) is one transaction. `describeStorageContract` runs
 * every aggregate's contract against an implementation.
 */
export interface Storage extends SiteStore, AgentStore, VisitorStore, ConversationStore, CallbackStore {
  /** Creates or upgrades the schema. Safe to call on every start. */
  migrate(): Promise<void>;

  /** Releases the store; no call may follow. */
  close(): Promise<void>;

  /**
   * Calls `listener` synchronously after each committed change to conversations or visitors made through
   * THIS store object, before the promise of the write that made it settles. Writes by another
   * process on the same database are not seen. Returns the function that stops the calls.
   */
  watch(listener: (change: StorageChange) => void): () => void;
}
