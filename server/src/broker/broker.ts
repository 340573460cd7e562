/**
 * The broker: the conversation logic of the relay. It depends only on the Storage and Bus
 * interfaces. The transport hands it authenticated sessions and validated frames; it answers
 * through `Session.send` and fans out through the bus. Refusals are thrown as `ParleyError`
 * (the transport turns them into `error` frames).
 */
import {
  ParleyError,
  type ClientFrame,
  type ConversationActivity,
  type ConversationSummary,
  type HelloFrame,
  type Limits,
  type Message,
  type PageView,
  type ServerFrame,
  type TrackedEvent,
  type VisitorProfile,
} from '@parley/protocol';
import { DEFAULT_DEAD_AFTER_MS, type Bus, type Envelope, type Topic } from '../bus/bus.js';
import type { Logger } from '../log.js';
import type { Agent, Conversation, Storage, Visitor, VisitorTouch } from '../storage/storage.js';
import { ActivityLimiter, DEFAULT_ADDRESS_ACTIVITY_PER_MINUTE, DEFAULT_VISITOR_ACTIVITY_PER_MINUTE } from './activity-limiter.js';
import { ADMINS_TOPIC, canAccess, siteTopics } from './access.js';
import { AnnounceThrottle, DEFAULT_ANNOUNCE_WINDOW_MS, type SiteActivity } from './announce-throttle.js';
import { CAPABILITIES } from './capabilities.js';
import { FrameRouter, type Capability, type CapabilityFactory } from './capability.js';
import { ConversationCache } from './conversation-cache.js';
import { VisitorNameCache } from './visitor-name-cache.js';
import type { BrokerContext, BrokerSettings } from './context.js';
import { sessionOnHello, sessionOnLeave } from './hello.js';
import { KeyedQueue } from './keyed-queue.js';
import { newMessageId, systemClientId } from './message-id.js';
import { AgentPresence, SitePresence, agentAgentsOnline } from './presence.js';
import { CatchUp } from './cluster/catch-up.js';
import { RemotePeers } from './cluster/peers.js';
import { PresenceBoard, type OnlineAgent } from './cluster/presence.js';
import { shareStoreChanges } from './cluster/store-changes.js';
import { Registry } from './registry.js';
import { DEFAULT_SCOPE_REFRESH_MS, ScopeRefresh } from './scope-refresh.js';
import { Session, type PeerIdentity, type PeerLink } from './session.js';
import { toActivity, toSummary, toVisitorProfile } from './views.js';
import { DEFAULT_VISITOR_UPDATE_WINDOW_MS, VisitorUpdates, type VisitorActivity } from './visitor-updates.js';
import { VisitorTouches } from './visitor-touches.js';

/** Visitors whose presence another node's loss changed that agents are told of one by one (more wait for their next update). */
const MOST_MOVED_ANNOUNCED = 500;

/** Default page views and events kept per visitor. */
const DEFAULT_KEPT_PER_VISITOR = 200;

/** What the broker is built from. */
export interface BrokerDeps {
  storage: Storage;
  bus: Bus;
  limits: Limits;
  settings: BrokerSettings;
  log: Logger;
  /** Signs a visitor token (the relay owns the secret). */
  issueVisitorToken(visitorId: string, siteId: string): string;
  /** Clock, for tests. */
  now?: () => number;
  /** After how long without a heartbeat the bus calls a node down (`Bus` default otherwise). */
  busDeadAfterMs?: number;
  /** What the broker does; default `CAPABILITIES` (every capability of the relay). */
  capabilities?: readonly CapabilityFactory[];
}

/** The conversation logic of one relay node. */
export class Broker implements BrokerContext {
  readonly storage: Storage;
  readonly limits: Limits;
  readonly settings: BrokerSettings;
  readonly registry = new Registry();
  readonly log: Logger;
  readonly capabilities: readonly Capability[];
  private readonly router: FrameRouter;
  readonly bus: Bus;
  private readonly queue = new KeyedQueue();
  private readonly agents = new Map<string, Agent>();
  private readonly conversations: ConversationCache;
  private readonly visitorNames: VisitorNameCache;
  private readonly announcements: AnnounceThrottle;
  private readonly activity: ActivityLimiter;
  private readonly visitorUpdates: VisitorUpdates;
  private readonly visitorTouches: VisitorTouches;
  /** What each console was told of the agents online, to tell it of a change once. */
  private readonly agentPresence = new AgentPresence();
  readonly sitePresence = new SitePresence();
  readonly presence: PresenceBoard;
  readonly peers: RemotePeers;
  private readonly catchUp: CatchUp;
  private readonly stopSharing: () => void;
  /** Agent connections whose sites are re-read, so a membership change reaches them. */
  readonly scopes: ScopeRefresh;
  private readonly unsubscribe: () => void;
  /** Set by `close`: what still finishes afterwards fails quietly. */
  private closed = false;
  private readonly clock: () => number;
  private readonly signVisitor: (visitorId: string, siteId: string) => string;
  private shuttingDown = false;

  constructor(deps: BrokerDeps) {
    this.storage = deps.storage;
    this.bus = deps.bus;
    this.limits = deps.limits;
    this.settings = deps.settings;
    this.log = deps.log;
    this.clock = deps.now ?? Date.now;
    this.signVisitor = deps.issueVisitorToken;
    this.conversations = new ConversationCache(deps.storage, deps.settings.conversationCacheSize);
    this.visitorNames = new VisitorNameCache(deps.storage, deps.settings.visitorCacheSize);
    this.announcements = new AnnounceThrottle(deps.settings.announceWindowMs ?? DEFAULT_ANNOUNCE_WINDOW_MS, {
      now: (summary) => this.publish(siteTopics(summary.siteId), { type: 'conversation.updated', conversation: summary } satisfies ServerFrame),
      batch: (activity) => this.announceBatch(activity),
    });
    this.scopes = new ScopeRefresh(deps.settings.scopeRefreshMs ?? DEFAULT_SCOPE_REFRESH_MS, {
      storage: deps.storage,
      agent: (agentId) => this.agent(agentId),
      onError: (error) => this.log.error('agent scope refresh failed', { error: error instanceof Error ? error.message : String(error) }),
    });
    this.activity = new ActivityLimiter(
      deps.settings.visitorActivityPerMinute ?? DEFAULT_VISITOR_ACTIVITY_PER_MINUTE,
      deps.settings.addressActivityPerMinute ?? DEFAULT_ADDRESS_ACTIVITY_PER_MINUTE,
    );
    this.visitorUpdates = new VisitorUpdates(
      deps.settings.visitorUpdateWindowMs ?? DEFAULT_VISITOR_UPDATE_WINDOW_MS,
      Math.max(this.keptPageViews, this.keptEvents),
      {
        latest: (visitorId, held) =>
          held ? this.serial(`visitor:${visitorId}`, () => this.settlePage(visitorId, held)) : this.storage.getVisitor(visitorId),
        publish: (visitor, pages, events) => this.publishVisitor(visitor, pages, events),
        failed: (error) => this.log.error('visitor update failed', { error }),
      },
    );
    this.visitorTouches = new VisitorTouches({
      storage: deps.storage,
      keepPages: this.keptPageViews,
      failed: (error, visitors) => this.log.error('visitor touch failed', { error, visitors }),
    });
    this.presence = new PresenceBoard(deps.bus, {
      localState: () => this.localPresence(),
      visitorsChanged: (visitorIds) => void this.visitorsMoved(visitorIds).catch((error: unknown) => this.failedInBackground('announcing visitors that moved', error)),
      agentsChanged: () => {
        this.sitePresence.update(this.registry, this.presence);
        this.agentPresence.update(this.registry, this.presence);
      },
    });
    this.stopSharing = shareStoreChanges(deps.bus, deps.storage, [this.conversations, this.visitorNames]);
    this.catchUp = new CatchUp(this, deps.bus, deps.busDeadAfterMs ?? DEFAULT_DEAD_AFTER_MS);
    this.peers = new RemotePeers(deps.bus, {
      handle: (session, frame) => this.handle(session, frame),
      left: async (session) => {
        try {
          for (const capability of this.capabilities) await capability.onLeave?.(session);
        } catch (error) {
          this.failedInBackground('letting go of a connection of another node', error);
        }
      },
    });
    this.capabilities = (deps.capabilities ?? CAPABILITIES).map((make) => make(this));
    this.router = new FrameRouter(this.capabilities);
    this.unsubscribe = this.bus.subscribe((envelope) => this.busOnMessage(envelope));
  }

  /** Registers a new connection; it receives nothing until its `hello` is handled. */
  connect(link: PeerLink, identity: PeerIdentity): Session {
    const session = new Session(link, identity);
    // Known to the other nodes from the start: its hello may already make it a proxy elsewhere.
    this.peers.added(session);
    return session;
  }

  /** Handles the opening `hello` (the transport already checked the version). */
  async hello(session: Session, frame: HelloFrame): Promise<void> {
    await sessionOnHello(this, session, frame);
    session.ready = true;
    if (session.role === 'agent') {
      this.scopes.track(session);
      // Consoles show how many agents serving their sites are online (counted in its hello).
      this.agentPresence.welcomed(session, agentAgentsOnline(this.registry, this.presence, session));
    }
  }

  /** Handles one validated frame after `hello`. Throws `ParleyError` to refuse it. */
  async handle(session: Session, frame: ClientFrame): Promise<void> {
    if (frame.type === 'hello') throw new ParleyError('bad_frame', 'hello was already received');
    if (frame.type === 'ping') {
      session.send({ type: 'pong', t: frame.t } satisfies ServerFrame);
      return;
    }
    const route = this.router.route(frame, session.role);
    // The guards only let a role's own frame types through, so this is a guard/broker mismatch.
    if (!route) throw new ParleyError('unknown_type', `${frame.type} is not handled for a ${session.role}`);
    return route.handle(session, frame);
  }

  /** The capability of this name (its state, for tests and metrics). */
  capability<C extends Capability>(name: string): C | undefined {
    return this.capabilities.find((capability) => capability.name === name) as C | undefined;
  }

  /** Forgets a closed connection and tells others when presence changed. */
  async disconnect(session: Session): Promise<void> {
    const wasReady = session.ready;
    session.ready = false;
    this.registry.leaveAll(session);
    this.peers.removed(session);
    this.scopes.untrack(session);
    this.agentPresence.forget(session);
    // During shutdown nobody is left to tell, and the store is about to close.
    if (!wasReady || this.shuttingDown) return;
    for (const capability of this.capabilities) await capability.onLeave?.(session);
    await sessionOnLeave(this, session);
  }

  /** The relay is stopping: disconnects no longer update presence or the store. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Stops listening to the bus and to the store, and every co-browse and call timer. */
  close(): void {
    this.closed = true;
    for (const capability of this.capabilities) capability.close?.();
    this.unsubscribe();
    this.stopSharing();
    this.peers.close();
    this.catchUp.close();
    this.presence.close();
    this.announcements.close();
    this.registry.close();
    this.visitorUpdates.close();
    this.scopes.close();
    this.agentPresence.close();
    this.conversations.close();
    this.visitorNames.close();
  }

  // --- BrokerContext -------------------------------------------------------------------------

  /** The current time in milliseconds. */
  now(): number {
    return this.clock();
  }

  /** Sends a frame through the bus to every subscribed connection. */
  publish(topics: Topic[], frame: ServerFrame, except?: string): void {
    const envelope: Envelope = except === undefined ? { topics, frame } : { topics, frame, except };
    this.bus.publish(envelope);
  }

  /** Runs tasks of one key in order. */
  serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(key, task);
  }

  /** A conversation from the cache (else the store), with no access check. */
  loadConversation(conversationId: string): Promise<Conversation | null> {
    return this.conversations.load(conversationId);
  }

  /** Loads a conversation the session may access (from the cache when it holds it). */
  async requireConversation(session: Session, conversationId: string): Promise<Conversation> {
    const conversation = await this.conversations.load(conversationId);
    if (!conversation) throw new ParleyError('not_found');
    if (!canAccess(session, conversation)) throw new ParleyError('forbidden');
    return conversation;
  }

  /** A conversation with its visitor and assignee names and the visitor's presence. */
  async summarize(conversation: Conversation, visitorName?: string | null): Promise<ConversationSummary> {
    const name = visitorName !== undefined ? visitorName : ((await this.visitorName(conversation.visitorId)) ?? null);
    const assignee = conversation.assigneeId ? await this.agent(conversation.assigneeId) : null;
    return toSummary(conversation, name, assignee?.name ?? null, this.isOnline(conversation.visitorId));
  }

  /** A visitor's display name (cached): null when anonymous, undefined when there is no such visitor. */
  visitorName(visitorId: string): Promise<string | null | undefined> {
    return this.visitorNames.load(visitorId);
  }

  /** A visitor with presence. */
  profile(visitor: Visitor): VisitorProfile {
    return toVisitorProfile(visitor, this.isOnline(visitor.id));
  }

  /** Whether a tab of the visitor is connected, to this node or another. */
  private isOnline(visitorId: string): boolean {
    return this.registry.count(`visitor:${visitorId}`) > 0 || this.presence.visitorElsewhere(visitorId);
  }

  /** This node's visitors and agents online, for another node that needs all of it. */
  private localPresence(): { visitors: string[]; agents: OnlineAgent[] } {
    const agents: OnlineAgent[] = [];
    for (const topic of this.registry.topics()) {
      if (!topic.startsWith('agent:')) continue;
      const [session] = this.registry.members(topic);
      if (session) agents.push({ id: session.subjectId, sites: session.siteIds });
    }
    return { visitors: [...this.registry.visitorIds()], agents };
  }

  /**
   * Another node's visitors came or went all at once (it went down, or its state arrived after
   * the bus came back): this node's agents are told where each stands now. Each node tells its
   * own agents, so nobody hears it twice.
   */
  /**
   * Logs the failure of work no frame waits for (an answer to the bus). Once the broker is
   * closed, such work may still be finishing against a closed store: that is no error.
   */
  private failedInBackground(what: string, error: unknown): void {
    if (!this.closed) this.log.error(`${what} failed`, { error });
  }

  private async visitorsMoved(visitorIds: string[]): Promise<void> {
    for (const visitorId of visitorIds.slice(0, MOST_MOVED_ANNOUNCED)) {
      if (this.registry.count(`visitor:${visitorId}`) > 0) continue;
      const visitor = await this.storage.getVisitor(visitorId);
      if (!visitor) continue;
      this.registry.deliver({ topics: siteTopics(visitor.siteId), frame: { type: 'visitor.updated', visitor: this.profile(visitor) } satisfies ServerFrame });
    }
  }

  /** An agent by id, cached. */
  async agent(agentId: string): Promise<Agent | null> {
    const cached = this.agents.get(agentId);
    if (cached) return cached;
    const agent = await this.storage.getAgent(agentId);
    if (agent) this.agents.set(agentId, agent);
    return agent;
  }

  /** The visitor's tabs, agents viewing the conversation, and its assignee. */
  messageTopics(conversation: Conversation): Topic[] {
    const topics: Topic[] = [`visitor:${conversation.visitorId}`, `conversation:${conversation.id}`];
    if (conversation.assigneeId) topics.push(`agent:${conversation.assigneeId}`);
    return topics;
  }

  /** `conversation.updated` to every agent serving the conversation's site, at once. */
  async announce(conversation: Conversation, visitorName?: string | null): Promise<void> {
    this.announcements.now(await this.summarize(conversation, visitorName));
  }

  /** What a message moved, to the site's agents in the window's `inbox.activity` batch. */
  announceActivity(conversation: Conversation): void {
    this.announcements.offer(toActivity(conversation));
  }

  /** Page views kept per visitor. */
  get keptPageViews(): number {
    return this.settings.maxPageViewsPerVisitor ?? DEFAULT_KEPT_PER_VISITOR;
  }

  /** Tracked events kept per visitor. */
  get keptEvents(): number {
    return this.settings.maxEventsPerVisitor ?? DEFAULT_KEPT_PER_VISITOR;
  }

  /** One page view or event from the session's visitor and address budgets. */
  admitActivity(session: Session): boolean {
    return this.activity.take(session.subjectId, session.address, this.now());
  }

  /** A visitor changed: coalesced into at most one `visitor.updated` per window. */
  announceVisitor(visitor: Visitor, activity?: VisitorActivity): void {
    this.visitorUpdates.offer(visitor, activity);
  }

  /** A refused page view becomes the current page at the end of the window. */
  holdPage(visitorId: string, page: PageView): void {
    this.visitorUpdates.hold(visitorId, page);
  }

  /** See `BrokerContext.touchVisitor`. */
  touchVisitor(touch: VisitorTouch): void {
    this.visitorTouches.touch(touch);
  }

  /** Writes the visitor touches waiting and announces what waits in the visitor window now (tests, and a relay about to stop). */
  async flushVisitorUpdates(): Promise<void> {
    await this.visitorTouches.flush();
    await this.visitorUpdates.flush();
  }

  /** Writes a system message (once per `clientId`) and fans it out to the conversation's participants. */
  async appendSystem(conversation: Conversation, text: string, clientId = systemClientId()): Promise<Message> {
    const { message } = await this.storage.appendMessage({
      id: newMessageId(),
      conversationId: conversation.id,
      clientId,
      author: 'system',
      authorId: '',
      text,
      at: this.now(),
    });
    this.publish(this.messageTopics(conversation), { type: 'chat.message', message } satisfies ServerFrame);
    return message;
  }

  /** Signs a visitor token. */
  issueVisitorToken(visitorId: string, siteId: string): string {
    return this.signVisitor(visitorId, siteId);
  }

  // --- visitors ------------------------------------------------------------------------------

  /** The one place `visitor.updated` frames of page views, events and presence are published. */
  private publishVisitor(visitor: Visitor, pages: PageView[], events: TrackedEvent[]): void {
    const frame: ServerFrame = { type: 'visitor.updated', visitor: this.profile(visitor) };
    if (pages.length > 0) frame.pages = pages;
    if (events.length > 0) frame.events = events;
    this.publish(siteTopics(visitor.siteId), frame);
  }

  /** Writes a held page as the current page unless a newer page view got there first. */
  private async settlePage(visitorId: string, page: PageView): Promise<Visitor | null> {
    const visitor = await this.storage.getVisitor(visitorId);
    // Merged into a known user meanwhile: that visitor's own page views tell where they are.
    if (!visitor) return null;
    // A page admitted after the held one cleared it (`VisitorUpdates.offer`), so one stored in the
    // same millisecond came before it: only a strictly later page wins.
    if (visitor.currentPage && visitor.currentPage.at > page.at) return visitor;
    return this.storage.updateVisitor(visitorId, { currentPage: page, lastSeenAt: Math.max(visitor.lastSeenAt, page.at) });
  }

  // --- inbox ---------------------------------------------------------------------------------

  /**
   * One window's activity: each site's agents get that site's part, admins (who serve every
   * site) the whole batch in one frame. The registry serialises each frame once for all its
   * recipients and writes it to them a slice per turn (`FanOutPacer`), so the messages arriving
   * meanwhile are not held up behind it; a console merges activity that lands late by seq.
   */
  private announceBatch(activity: SiteActivity[]): void {
    // Each entry without its site, in the window's order of latest activity (the inbox's order).
    const all: ConversationActivity[] = [];
    const bySite = new Map<string, ConversationActivity[]>();
    for (const { siteId, ...entry } of activity) {
      all.push(entry);
      const group = bySite.get(siteId);
      if (group) group.push(entry);
      else bySite.set(siteId, [entry]);
    }
    // Paced: a window's frames are the largest a relay sends to many connections at once.
    for (const [siteId, group] of bySite) this.bus.publish({ topics: [`agents:${siteId}`], frame: { type: 'inbox.activity', conversations: group }, paced: true });
    this.bus.publish({ topics: [ADMINS_TOPIC], frame: { type: 'inbox.activity', conversations: all }, paced: true });
  }

  // --- bus -----------------------------------------------------------------------------------

  private busOnMessage(envelope: Envelope): void {
    this.registry.deliver(envelope);
  }
}
