/**
 * An in-memory Storage: for tests and ephemeral runs (`PARLEY_STORAGE=memory`). It follows the
 * same contract as the SQLite store (see `storage.contract.ts`), including uniqueness and
 * references, so code tested against it behaves the same on disk. Every record goes in and out
 * as a copy: callers can never reach, or mutate, what the store holds.
 */
import type { Callback, Message, PageView, TrackedEvent } from '@parley/protocol';
import { ChangeFeed } from './change-feed.js';
import { conflict, notFound } from './storage-error.js';
import {
  definedFields,
  emailKey,
  meetsExpectation,
  newCallback,
  newConversation,
  secondOpenConversation,
  staleConversation,
  touchedVisitor,
  type NewConversation,
} from './records.js';
import type {
  AgentSession,
  SiteRemoval,
  Agent,
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
  Storage,
  StorageChange,
  Visitor,
  VisitorPatch,
  VisitorTouch,
} from './storage.js';

/** Orders conversations newest `updatedAt` first; ids break ties so paging is stable. */
function byNewestUpdate(a: Conversation, b: Conversation): number {
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `conversation` passes every field the filter gives. */
function matchesFilter(conversation: Conversation, filter: ConversationFilter): boolean {
  if (filter.siteIds !== undefined && !filter.siteIds.includes(conversation.siteId)) return false;
  if (filter.visitorId !== undefined && conversation.visitorId !== filter.visitorId) return false;
  if (filter.status !== undefined && conversation.status !== filter.status) return false;
  if (filter.assigneeId !== undefined && conversation.assigneeId !== filter.assigneeId) return false;
  if (filter.before !== undefined && !(conversation.updatedAt < filter.before)) return false;
  if (filter.updatedAfter !== undefined && !(conversation.updatedAt > filter.updatedAfter)) return false;
  return true;
}

/** Newest first by `at`; among equal times, the later insertion first (as SQLite orders by rowid). */
function newestFirst<T extends { at: number }>(items: readonly T[], limit: number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.at - a.item.at || b.index - a.index)
    .slice(0, Math.max(0, limit))
    .map(({ item }) => structuredClone(item));
}

/** The key under which a message is deduplicated. */
function clientKey(authorId: string, clientId: string): string {
  return JSON.stringify([authorId, clientId]);
}

/** A Storage that keeps everything in maps; nothing survives the process. */
export class MemoryStorage implements Storage {
  readonly #sites = new Map<string, Site>();
  readonly #agents = new Map<string, Agent>();
  /** Agent id -> the ids of the sites it belongs to. */
  readonly #agentSites = new Map<string, Set<string>>();
  readonly #visitors = new Map<string, Visitor>();
  readonly #pageViews = new Map<string, PageView[]>();
  readonly #events = new Map<string, TrackedEvent[]>();
  readonly #conversations = new Map<string, Conversation>();
  /** Messages of each conversation, in seq order (index = seq - 1). */
  readonly #messages = new Map<string, Message[]>();
  /** (authorId, clientId) -> message, for dedupe. */
  readonly #byClientId = new Map<string, Message>();
  /** Callback requests in the order they were made. */
  readonly #callbacks = new Map<string, Callback>();
  /** (visitorId, clientId) -> callback id, for dedupe. */
  readonly #callbackByClientId = new Map<string, string>();
  /** Callback id -> the client id it was made with. */
  readonly #callbackClientIds = new Map<string, string>();
  readonly #meta = new Map<string, string>();
  readonly #agentSessions = new Map<string, AgentSession>();
  readonly #changes = new ChangeFeed();

  async migrate(): Promise<void> {
    // Nothing to create: the maps are the schema.
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  /** Reads a value of the store's small key-value table, or null. */
  async getMeta(key: string): Promise<string | null> {
    return this.#meta.get(key) ?? null;
  }

  /** Writes a value of the store's small key-value table. */
  async setMeta(key: string, value: string): Promise<void> {
    this.#meta.set(key, value);
  }

  async createSite(site: Site): Promise<Site> {
    if (this.#sites.has(site.id)) throw conflict(`Site id ${site.id}`);
    if (this.#findSiteByKey(site.key)) throw conflict(`Site key ${site.key}`);
    this.#sites.set(site.id, structuredClone(site));
    return structuredClone(site);
  }

  async getSite(id: string): Promise<Site | null> {
    return copyOrNull(this.#sites.get(id));
  }

  async getSiteByKey(key: string): Promise<Site | null> {
    return copyOrNull(this.#findSiteByKey(key));
  }

  async listSites(): Promise<Site[]> {
    return [...this.#sites.values()].sort((a, b) => a.createdAt - b.createdAt).map((site) => structuredClone(site));
  }

  async updateSite(id: string, patch: Partial<Omit<Site, 'id' | 'createdAt'>>): Promise<Site> {
    const site = this.#sites.get(id);
    if (!site) throw notFound('site', id);
    if (patch.key !== undefined && patch.key !== site.key && this.#findSiteByKey(patch.key)) {
      throw conflict(`Site key ${patch.key}`);
    }
    const updated: Site = { ...site, ...definedFields(structuredClone(patch)), id: site.id, createdAt: site.createdAt };
    this.#sites.set(id, updated);
    return structuredClone(updated);
  }

  async createAgent(agent: Agent): Promise<Agent> {
    if (this.#agents.has(agent.id)) throw conflict(`Agent id ${agent.id}`);
    if (this.#findAgentByEmail(agent.email)) throw conflict(`Agent email ${agent.email}`);
    this.#agents.set(agent.id, structuredClone(agent));
    return structuredClone(agent);
  }

  async getAgent(id: string): Promise<Agent | null> {
    return copyOrNull(this.#agents.get(id));
  }

  async getAgentByEmail(email: string): Promise<Agent | null> {
    return copyOrNull(this.#findAgentByEmail(email));
  }

  async listAgents(): Promise<Agent[]> {
    return [...this.#agents.values()].sort((a, b) => a.createdAt - b.createdAt).map((agent) => structuredClone(agent));
  }

  async updateAgent(id: string, patch: Partial<Omit<Agent, 'id' | 'createdAt'>>): Promise<Agent> {
    const agent = this.#agents.get(id);
    if (!agent) throw notFound('agent', id);
    if (patch.email !== undefined) {
      const holder = this.#findAgentByEmail(patch.email);
      if (holder && holder.id !== id) throw conflict(`Agent email ${patch.email}`);
    }
    const updated: Agent = { ...agent, ...definedFields(patch), id: agent.id, createdAt: agent.createdAt };
    this.#agents.set(id, updated);
    return structuredClone(updated);
  }

  async deleteAgent(id: string): Promise<boolean> {
    if (!this.#agents.delete(id)) return false;
    this.#agentSites.delete(id);
    await this.endAgentSessions(id);
    return true;
  }

  async createAgentSession(session: AgentSession): Promise<void> {
    if (!this.#agents.has(session.agentId)) throw notFound('agent', session.agentId);
    if (this.#agentSessions.has(session.id)) throw conflict(`Agent session ${session.id}`);
    for (const [id, stored] of this.#agentSessions) if (stored.expiresAt <= session.createdAt) this.#agentSessions.delete(id);
    this.#agentSessions.set(session.id, { ...session });
  }

  async liveAgentSessions(ids: readonly string[], now: number): Promise<Set<string>> {
    return new Set(ids.filter((id) => (this.#agentSessions.get(id)?.expiresAt ?? 0) > now));
  }

  async endAgentSession(id: string): Promise<boolean> {
    return this.#agentSessions.delete(id);
  }

  async endAgentSessions(agentId: string): Promise<number> {
    let ended = 0;
    for (const [id, session] of this.#agentSessions) {
      if (session.agentId === agentId && this.#agentSessions.delete(id)) ended++;
    }
    return ended;
  }

  async deleteSite(id: string): Promise<SiteRemoval | null> {
    if (!this.#sites.delete(id)) return null;
    const removal: SiteRemoval = { visitors: 0, conversations: 0, messages: 0, callbacks: 0 };
    for (const [conversationId, conversation] of this.#conversations) {
      if (conversation.siteId !== id) continue;
      for (const message of this.#messages.get(conversationId) ?? []) this.#byClientId.delete(clientKey(message.authorId, message.clientId));
      removal.messages += this.#messages.get(conversationId)?.length ?? 0;
      this.#messages.delete(conversationId);
      this.#conversations.delete(conversationId);
      removal.conversations++;
      for (const [callbackId, callback] of this.#callbacks) {
        if (callback.conversationId !== conversationId) continue;
        this.#callbackByClientId.delete(clientKey(callback.visitorId, this.#callbackClientIds.get(callbackId)!));
        this.#callbackClientIds.delete(callbackId);
        this.#callbacks.delete(callbackId);
        removal.callbacks++;
      }
    }
    for (const [visitorId, visitor] of this.#visitors) {
      if (visitor.siteId !== id) continue;
      this.#visitors.delete(visitorId);
      this.#pageViews.delete(visitorId);
      this.#events.delete(visitorId);
      removal.visitors++;
    }
    return removal;
  }

  async listAgentSites(agentId: string): Promise<string[]> {
    const mine = this.#agentSites.get(agentId);
    if (!mine) return [];
    // Oldest site first, as SQLite orders them; a site removed since is not listed.
    return (await this.listSites()).filter((site) => mine.has(site.id)).map((site) => site.id);
  }

  async addAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    if (!this.#agents.has(agentId)) throw notFound('agent', agentId);
    for (const siteId of siteIds) if (!this.#sites.has(siteId)) throw notFound('site', siteId);
    const mine = this.#agentSites.get(agentId) ?? new Set<string>();
    for (const siteId of siteIds) mine.add(siteId);
    this.#agentSites.set(agentId, mine);
  }

  async removeAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    if (!this.#agents.has(agentId)) throw notFound('agent', agentId);
    const mine = this.#agentSites.get(agentId);
    for (const siteId of siteIds) mine?.delete(siteId);
  }

  async createVisitor(visitor: Visitor): Promise<Visitor> {
    if (this.#visitors.has(visitor.id)) throw conflict(`Visitor id ${visitor.id}`);
    if (!this.#sites.has(visitor.siteId)) throw notFound('site', visitor.siteId);
    if (visitor.verified && visitor.userId !== null && this.#findVisitorByUserId(visitor.siteId, visitor.userId)) {
      throw conflict(`User id ${visitor.userId}`);
    }
    this.#visitors.set(visitor.id, structuredClone(visitor));
    this.#visitorChanged(visitor);
    return structuredClone(visitor);
  }

  async getVisitor(id: string): Promise<Visitor | null> {
    return copyOrNull(this.#visitors.get(id));
  }

  async findVisitorByUserId(siteId: string, userId: string): Promise<Visitor | null> {
    return copyOrNull(this.#findVisitorByUserId(siteId, userId));
  }

  async updateVisitor(id: string, patch: VisitorPatch): Promise<Visitor> {
    const visitor = this.#visitors.get(id);
    if (!visitor) throw notFound('visitor', id);
    const updated: Visitor = {
      ...visitor,
      ...definedFields(structuredClone(patch)),
      id: visitor.id,
      siteId: visitor.siteId,
      firstSeenAt: visitor.firstSeenAt,
    };
    if (updated.verified && updated.userId !== null) {
      const holder = this.#findVisitorByUserId(visitor.siteId, updated.userId);
      if (holder && holder.id !== id) throw conflict(`User id ${updated.userId}`);
    }
    this.#visitors.set(id, updated);
    this.#visitorChanged(updated);
    return structuredClone(updated);
  }

  async mergeVisitor(fromId: string, intoId: string): Promise<void> {
    if (fromId === intoId) return;
    if (!this.#visitors.has(intoId)) throw notFound('visitor', intoId);
    // A source already merged away is not an error: a retried merge must be harmless.
    if (!this.#visitors.has(fromId)) return;
    this.#keepOneOpen(fromId, intoId);
    for (const conversation of this.#conversations.values()) {
      if (conversation.visitorId === fromId) conversation.visitorId = intoId;
    }
    for (const callback of this.#callbacks.values()) {
      if (callback.visitorId !== fromId) continue;
      const clientId = this.#callbackClientIds.get(callback.id)!;
      callback.visitorId = intoId;
      this.#callbackByClientId.delete(clientKey(fromId, clientId));
      this.#callbackByClientId.set(clientKey(intoId, clientId), callback.id);
    }
    this.#pageViews.set(intoId, [...(this.#pageViews.get(intoId) ?? []), ...(this.#pageViews.get(fromId) ?? [])]);
    this.#events.set(intoId, [...(this.#events.get(intoId) ?? []), ...(this.#events.get(fromId) ?? [])]);
    this.#pageViews.delete(fromId);
    this.#events.delete(fromId);
    this.#visitors.delete(fromId);
    this.#changes.emit({ kind: 'visitor-merged', fromId, intoId });
  }

  async touchVisitors(touches: readonly VisitorTouch[], keepPages?: number): Promise<void> {
    for (const touch of structuredClone(touches)) {
      const visitor = this.#visitors.get(touch.visitorId);
      if (!visitor) continue;
      const touched = touchedVisitor(visitor, touch);
      this.#visitors.set(touched.id, touched);
      for (const page of touch.pages ?? []) appendTo(this.#pageViews, touched.id, page, keepPages);
      this.#visitorChanged(touched);
    }
  }

  async addPageView(visitorId: string, page: PageView, keep?: number): Promise<void> {
    if (!this.#visitors.has(visitorId)) throw notFound('visitor', visitorId);
    appendTo(this.#pageViews, visitorId, structuredClone(page), keep);
  }

  async listPageViews(visitorId: string, limit: number): Promise<PageView[]> {
    return newestFirst(this.#pageViews.get(visitorId) ?? [], limit);
  }

  async addEvent(visitorId: string, event: TrackedEvent, keep?: number): Promise<void> {
    if (!this.#visitors.has(visitorId)) throw notFound('visitor', visitorId);
    appendTo(this.#events, visitorId, structuredClone(event), keep);
  }

  async listEvents(visitorId: string, limit: number): Promise<TrackedEvent[]> {
    return newestFirst(this.#events.get(visitorId) ?? [], limit);
  }

  async createConversation(input: NewConversation): Promise<Conversation> {
    if (this.#conversations.has(input.id)) throw conflict(`Conversation id ${input.id}`);
    if (!this.#sites.has(input.siteId)) throw notFound('site', input.siteId);
    if (!this.#visitors.has(input.visitorId)) throw notFound('visitor', input.visitorId);
    if (this.#openConversationOf(input.visitorId)) throw secondOpenConversation(input.visitorId);
    const conversation = newConversation(input);
    this.#conversations.set(conversation.id, conversation);
    this.#messages.set(conversation.id, []);
    this.#conversationChanged(conversation);
    return structuredClone(conversation);
  }

  async getConversation(id: string): Promise<Conversation | null> {
    return copyOrNull(this.#conversations.get(id));
  }

  async listConversations(filter: ConversationFilter): Promise<Conversation[]> {
    return [...this.#conversations.values()]
      .filter((conversation) => matchesFilter(conversation, filter))
      .sort(byNewestUpdate)
      .slice(0, Math.max(0, filter.limit))
      .map((conversation) => structuredClone(conversation));
  }

  async updateConversation(id: string, patch: ConversationPatch, at: number, expect?: ConversationExpectation): Promise<Conversation> {
    const conversation = this.#conversations.get(id);
    if (!conversation) throw notFound('conversation', id);
    if (!meetsExpectation(conversation, expect)) throw staleConversation(id);
    if (patch.status === 'open' && conversation.status !== 'open' && this.#openConversationOf(conversation.visitorId)) {
      throw secondOpenConversation(conversation.visitorId);
    }
    const updated: Conversation = {
      ...conversation,
      ...definedFields(patch),
      updatedAt: Math.max(conversation.updatedAt, at),
    };
    this.#conversations.set(id, updated);
    this.#conversationChanged(updated);
    return structuredClone(updated);
  }

  /** The visitor's open conversation, if any (at most one: see `createConversation`). */
  #openConversationOf(visitorId: string): Conversation | undefined {
    for (const conversation of this.#conversations.values()) {
      if (conversation.visitorId === visitorId && conversation.status === 'open') return conversation;
    }
    return undefined;
  }

  /** Before a merge: of two open conversations, the one updated last stays open (see `mergeVisitor`). */
  #keepOneOpen(fromId: string, intoId: string): void {
    const from = this.#openConversationOf(fromId);
    const into = this.#openConversationOf(intoId);
    if (!from || !into) return;
    const older = from.updatedAt > into.updatedAt ? into : from;
    const resolved: Conversation = { ...older, status: 'resolved', resolvedAt: older.updatedAt };
    this.#conversations.set(older.id, resolved);
    this.#conversationChanged(resolved);
  }

  async appendMessage(input: NewMessage): Promise<AppendResult> {
    const key = clientKey(input.authorId, input.clientId);
    const existing = this.#byClientId.get(key);
    if (existing) return { message: structuredClone(existing), duplicate: true };
    const conversation = this.#conversations.get(input.conversationId);
    if (!conversation) throw notFound('conversation', input.conversationId);
    const messages = this.#messages.get(conversation.id) ?? [];
    const message: Message = {
      id: input.id,
      conversationId: input.conversationId,
      seq: conversation.lastSeq + 1,
      clientId: input.clientId,
      author: input.author,
      authorId: input.authorId,
      ...(input.authorName !== undefined ? { authorName: input.authorName } : {}),
      text: input.text,
      at: input.at,
    };
    messages.push(message);
    this.#messages.set(conversation.id, messages);
    this.#byClientId.set(key, message);
    conversation.lastSeq = message.seq;
    // The last message a person wrote, or the newest system line until then (see `Conversation.lastMessage`).
    if (message.author !== 'system' || !conversation.lastMessage || conversation.lastMessage.author === 'system') {
      conversation.lastMessage = { text: message.text, author: message.author, at: message.at };
    }
    conversation.updatedAt = Math.max(conversation.updatedAt, message.at);
    if (message.author === 'agent' && conversation.firstResponseAt === null) conversation.firstResponseAt = message.at;
    this.#conversationChanged(conversation);
    return { message: structuredClone(message), duplicate: false };
  }

  async findMessageByClientId(authorId: string, clientId: string): Promise<Message | null> {
    return copyOrNull(this.#byClientId.get(clientKey(authorId, clientId)));
  }

  async listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const messages = this.#messages.get(conversationId) ?? [];
    // Seq n sits at index n - 1, so the slice starts right after `afterSeq`.
    const start = Math.max(0, Math.floor(afterSeq));
    return messages.slice(start, start + Math.max(0, limit)).map((message) => structuredClone(message));
  }

  async createCallback(input: NewCallback): Promise<CreateCallbackResult> {
    const key = clientKey(input.visitorId, input.clientId);
    const existing = this.#callbackByClientId.get(key);
    if (existing !== undefined) return { callback: structuredClone(this.#callbacks.get(existing)!), duplicate: true };
    if (this.#callbacks.has(input.id)) throw conflict(`Callback id ${input.id}`);
    const conversation = this.#conversations.get(input.conversationId);
    if (!conversation) throw notFound('conversation', input.conversationId);
    if (!this.#visitors.has(input.visitorId)) throw notFound('visitor', input.visitorId);
    const callback = newCallback(input);
    this.#callbacks.set(callback.id, callback);
    this.#callbackByClientId.set(key, callback.id);
    this.#callbackClientIds.set(callback.id, input.clientId);
    return { callback: structuredClone(callback), duplicate: false };
  }

  async getCallback(id: string): Promise<Callback | null> {
    return copyOrNull(this.#callbacks.get(id));
  }

  async findCallbackByClientId(visitorId: string, clientId: string): Promise<Callback | null> {
    const id = this.#callbackByClientId.get(clientKey(visitorId, clientId));
    return id === undefined ? null : copyOrNull(this.#callbacks.get(id));
  }

  async updateCallback(id: string, patch: CallbackPatch, at: number): Promise<Callback> {
    const callback = this.#callbacks.get(id);
    if (!callback) throw notFound('callback', id);
    const updated: Callback = {
      ...callback,
      status: patch.status,
      agentId: patch.agentId,
      agentName: patch.agentName,
      updatedAt: Math.max(callback.updatedAt, at),
    };
    this.#callbacks.set(id, updated);
    return structuredClone(updated);
  }

  async listCallbacks(filter: CallbackFilter): Promise<Callback[]> {
    const matches = [...this.#callbacks.values()].filter(
      (c) =>
        (filter.siteIds === undefined || filter.siteIds.includes(this.#conversations.get(c.conversationId)?.siteId ?? '')) &&
        (filter.visitorId === undefined || c.visitorId === filter.visitorId) &&
        (filter.conversationId === undefined || c.conversationId === filter.conversationId) &&
        (filter.statuses === undefined || filter.statuses.includes(c.status)) &&
        (filter.createdSince === undefined || c.createdAt >= filter.createdSince),
    );
    // Map order is insertion order: among equal times, the later request first (as SQLite by rowid).
    return matches
      .map((callback, index) => ({ callback, index }))
      .sort((a, b) => b.callback.createdAt - a.callback.createdAt || b.index - a.index)
      .slice(0, Math.max(0, Math.floor(filter.limit)))
      .map(({ callback }) => structuredClone(callback));
  }

  watch(listener: (change: StorageChange) => void): () => void {
    return this.#changes.watch(listener);
  }

  /** Reports a conversation's new state to watchers, as a copy like everything handed out. */
  #conversationChanged(conversation: Conversation): void {
    if (this.#changes.active) this.#changes.emit({ kind: 'conversation', conversation: structuredClone(conversation) });
  }

  /** Reports a visitor's new state to watchers, as a copy. */
  #visitorChanged(visitor: Visitor): void {
    if (this.#changes.active) this.#changes.emit({ kind: 'visitor', visitor: structuredClone(visitor) });
  }

  #findSiteByKey(key: string): Site | undefined {
    for (const site of this.#sites.values()) if (site.key === key) return site;
    return undefined;
  }

  #findAgentByEmail(email: string): Agent | undefined {
    const wanted = emailKey(email);
    for (const agent of this.#agents.values()) if (emailKey(agent.email) === wanted) return agent;
    return undefined;
  }

  /** The canonical visitor of a user: verified only, as an unproven claim never holds the id. */
  #findVisitorByUserId(siteId: string, userId: string): Visitor | undefined {
    for (const visitor of this.#visitors.values()) {
      if (visitor.verified && visitor.siteId === siteId && visitor.userId === userId) return visitor;
    }
    return undefined;
  }
}

/** A copy of `value`, or null when there is none. */
function copyOrNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : structuredClone(value);
}

/** Pushes `item` onto the list kept under `key`. */
/** Appends `item`; with `keep`, only the newest `keep` (by `at`, then arrival) stay. */
function appendTo<T extends { at: number }>(lists: Map<string, T[]>, key: string, item: T, keep?: number): void {
  const list = lists.get(key) ?? [];
  list.push(item);
  lists.set(key, keep !== undefined && list.length > keep ? newestKept(list, Math.max(0, keep)) : list);
}

/** The newest `keep` items of a list in their arrival order (the order `newestFirst` breaks ties by). */
function newestKept<T extends { at: number }>(list: readonly T[], keep: number): T[] {
  const kept = new Set(
    list
      .map((item, index) => ({ item, index }))
      .sort((a, b) => b.item.at - a.item.at || b.index - a.index)
      .slice(0, keep)
      .map(({ index }) => index),
  );
  return list.filter((_, index) => kept.has(index));
}
