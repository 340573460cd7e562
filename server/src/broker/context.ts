/**
 * What broker actions need from the broker: storage, limits, delivery and a few shared lookups.
 * Actions are plain functions over this context, one file per concern.
 */
import type { ConversationSummary, Limits, Message, PageView, ServerFrame, VisitorProfile } from '@parley/protocol';
import type { Bus, Topic } from '../bus/bus.js';
import type { Logger } from '../log.js';
import type { Agent, Conversation, Storage, Visitor, VisitorTouch } from '../storage/storage.js';
import type { IceSettings } from './call/ice.js';
import type { Capability } from './capability.js';
import type { RemotePeers } from './cluster/peers.js';
import type { PresenceBoard } from './cluster/presence.js';
import type { SitePresence } from './presence.js';
import type { Registry } from './registry.js';
import type { Session } from './session.js';
import type { VisitorActivity } from './visitor-updates.js';

/** Broker settings that are not protocol limits. */
export interface BrokerSettings {
  /** Conversations per inbox page and in a welcome. */
  inboxPageSize: number;
  /** Page views and events in a conversation's detail. */
  contextPageSize: number;
  /** Conversations an agent connection follows at once. */
  maxOpenConversations: number;
  /** Conversations the broker keeps in memory (see `conversation-cache.ts`); default 10,000. */
  conversationCacheSize?: number;
  /** Visitor names the broker keeps in memory (see `visitor-name-cache.ts`); default 10,000. */
  visitorCacheSize?: number;
  /**
   * Window over which inbox announcements after messages are batched into one `inbox.activity`
   * (see `announce-throttle.ts`); default 200 ms; 0 announces every message at once.
   */
  announceWindowMs?: number;
  /** Page views and events one visitor may send per minute, across tabs (see `activity-limiter.ts`); default 60. */
  visitorActivityPerMinute?: number;
  /** Page views and events one client address may send per minute; default 1200. */
  addressActivityPerMinute?: number;
  /** At most one `visitor.updated` per visitor per window (see `visitor-updates.ts`); default 500 ms. */
  visitorUpdateWindowMs?: number;
  /** Page views kept per visitor; default 200. */
  maxPageViewsPerVisitor?: number;
  /** Tracked events kept per visitor; default 200. */
  maxEventsPerVisitor?: number;
  /**
   * Time between two reads of the connected agents' site memberships (see `scope-refresh.ts`);
   * default 10 s; 0: never.
   */
  scopeRefreshMs?: number;
  /** STUN and TURN servers for calls (see `call/ice.ts`); default none: host candidates only. */
  ice?: IceSettings;
}

/** The broker, as its actions see it. */
export interface BrokerContext {
  readonly storage: Storage;
  readonly limits: Limits;
  readonly settings: BrokerSettings;
  readonly registry: Registry;
  readonly log: Logger;
  /** The bus to the other relay nodes (control messages, requests; frames go through `publish`). */
  readonly bus: Bus;
  /** What the broker does, capability by capability (see `capability.ts`), for their hooks. */
  readonly capabilities: readonly Capability[];
  /** Other nodes' connections in this node's live sessions, and frames forwarded to their owners (see `cluster/peers.ts`). */
  readonly peers: RemotePeers;
  /** The other relay nodes' visitors and agents online (see `cluster/presence.ts`). */
  readonly presence: PresenceBoard;
  /** What this node's visitors were told of the agents online, per site. */
  readonly sitePresence: SitePresence;
  /** The current time in milliseconds. */
  now(): number;
  /** Sends a frame to every connection (on any node) subscribed to one of the topics. */
  publish(topics: Topic[], frame: ServerFrame, except?: string): void;
  /** Runs a task after every earlier task of the same key (a conversation or visitor id). */
  serial<T>(key: string, task: () => Promise<T>): Promise<T>;
  /**
   * Loads a conversation the session may access; throws `not_found` or `forbidden`. It may come
   * from a cache kept in step with every write, frozen: change it only by spreading it.
   */
  requireConversation(session: Session, conversationId: string): Promise<Conversation>;
  /**
   * A conversation from the broker's copy (else the store), with no access check: for work no
   * connection asked for (a timer, a connection closing). Null when it does not exist.
   */
  loadConversation(conversationId: string): Promise<Conversation | null>;
  /** A conversation with its display names (`visitorName` when the caller already knows it). */
  summarize(conversation: Conversation, visitorName?: string | null): Promise<ConversationSummary>;
  /** A visitor's display name (cached): null when anonymous, undefined when there is no such visitor. */
  visitorName(visitorId: string): Promise<string | null | undefined>;
  /** A visitor with its presence (a connection on any node). */
  profile(visitor: Visitor): VisitorProfile;
  /** An agent by id (cached: agents change rarely). */
  agent(agentId: string): Promise<Agent | null>;
  /** Topics that receive a conversation's messages: the visitor's tabs, viewers, the assignee. */
  messageTopics(conversation: Conversation): Topic[];
  /** Tells every agent at once that a conversation changed (new, status, assignee, read). */
  announce(conversation: Conversation, visitorName?: string | null): Promise<void>;
  /**
   * Tells every agent a conversation has a new message: what it moved joins the window's one
   * `inbox.activity` batch.
   */
  announceActivity(conversation: Conversation): void;
  /** Page views kept per visitor (`maxPageViewsPerVisitor`). */
  readonly keptPageViews: number;
  /** Tracked events kept per visitor (`maxEventsPerVisitor`). */
  readonly keptEvents: number;
  /**
   * Takes one page view or event from the session's visitor and address budgets (see
   * `activity-limiter.ts`); false when either is spent.
   */
  admitActivity(session: Session): boolean;
  /**
   * Tells every agent a visitor changed (presence, a page view, an event): coalesced, at most
   * one `visitor.updated` per visitor per window (see `visitor-updates.ts`).
   */
  announceVisitor(visitor: Visitor, activity?: VisitorActivity): void;
  /** A page view refused by the limit: it still becomes the current page at the window's end. */
  holdPage(visitorId: string, page: PageView): void;
  /**
   * Records what a connection opening or closing says about its visitor (last seen, device,
   * page), written with other visitors' in one batch (see `visitor-touches.ts`).
   */
  touchVisitor(touch: VisitorTouch): void;
  /**
   * Writes a system message (assigned, resolved, reopened) and fans it out. `clientId` (default:
   * a fresh one) is what a retried line passes again, so the store keeps it once.
   */
  appendSystem(conversation: Conversation, text: string, clientId?: string): Promise<Message>;
  /** Signs a visitor token. */
  issueVisitorToken(visitorId: string, siteId: string): string;
}
