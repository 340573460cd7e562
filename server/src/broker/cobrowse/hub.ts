/**
 * The co-browse hub: every conversation's co-browse session on this relay node, in memory, and
 * how its state and page data reach the two sides.
 *
 * A sharing lives on the node where the agent asked for it. Page data goes from the source tab
 * to the watchers through it; a source tab or a watcher connected to another node is a proxy
 * session (`cluster/peers.ts`), and the visitor's tabs on other nodes learn the state through
 * `directory.ts`. A relay that restarts forgets its co-browse sessions, and both sides see them end.
 */
import { nanoid } from 'nanoid';
import { cobrowseOff, type CobrowseEventsFrame, type CobrowseStatus, type ServerFrame } from '@parley/protocol';
import type { Topic } from '../../bus/bus.js';
import type { Conversation } from '../../storage/storage.js';
import type { BrokerContext } from '../context.js';
import type { Session } from '../session.js';
import { Sharing } from './sharing.js';
import { Watcher } from './watcher.js';

/** The parts of the broker the hub uses. */
export type HubContext = Pick<BrokerContext, 'limits' | 'registry' | 'publish' | 'now'>;

/** Every co-browse session of this node. */
export class CobrowseHub {
  private readonly sharings = new Map<string, Sharing>();
  /** Sharings by visitor id, to tell a visitor's new tab where it stands. */
  private readonly byVisitor = new Map<string, Set<Sharing>>();
  /** Sharings a connection is the source of or watches, to let go of them when it closes. */
  private readonly bySession = new Map<Session, Set<Sharing>>();
  private readonly ctx: HubContext;
  /** Told each time the visitor's tabs here are told the state (the other nodes tell theirs). */
  onDeliverVisitors: ((sharing: Sharing) => void) | null = null;

  constructor(ctx: HubContext) {
    this.ctx = ctx;
  }

  /** Number of conversations with co-browse not all off. */
  get size(): number {
    return this.sharings.size;
  }

  /** The co-browse session of a conversation, if any. */
  get(conversationId: string): Sharing | undefined {
    return this.sharings.get(conversationId);
  }

  /** The co-browse session of a conversation, made when there is none. */
  open(conversation: Conversation): Sharing {
    let sharing = this.sharings.get(conversation.id);
    if (sharing === undefined) {
      sharing = new Sharing(conversation.id, conversation.visitorId, this.ctx.limits.cobrowseCheckpointBytes);
      this.sharings.set(conversation.id, sharing);
      addTo(this.byVisitor, sharing.visitorId, sharing);
    }
    this.follow(sharing, conversation);
    return sharing;
  }

  /** Keeps the visitor index right when the conversation moved to another visitor (a merge). */
  follow(sharing: Sharing, conversation: Conversation): void {
    if (conversation.visitorId === sharing.visitorId) return;
    removeFrom(this.byVisitor, sharing.visitorId, sharing);
    sharing.visitorId = conversation.visitorId;
    addTo(this.byVisitor, sharing.visitorId, sharing);
  }

  /** The sharings of a visitor. */
  ofVisitor(visitorId: string): Sharing[] {
    const set = this.byVisitor.get(visitorId);
    return set === undefined ? [] : [...set];
  }

  /** The sharings a connection is the source of or watches. */
  ofSession(session: Session): Sharing[] {
    const set = this.bySession.get(session);
    return set === undefined ? [] : [...set];
  }

  /** A conversation's state as agents see it (all off when there is no co-browse session). */
  agentStatus(conversationId: string): CobrowseStatus {
    return this.sharings.get(conversationId)?.agentStatus() ?? { ...cobrowseOff(conversationId), live: false };
  }

  /** A conversation's state as one visitor connection sees it. */
  visitorStatus(conversationId: string, session: Session): CobrowseStatus {
    return this.sharings.get(conversationId)?.visitorStatus(session) ?? { ...cobrowseOff(conversationId), source: false };
  }

  /** Starts a request for the visitor to answer; `onExpire` runs if none comes in time. */
  request(sharing: Sharing, agentId: string, agentName: string, onExpire: (requestId: string) => void): string {
    sharing.clearRequest();
    const requestId = nanoid();
    sharing.requestId = requestId;
    sharing.agentId = agentId;
    sharing.agentName = agentName;
    sharing.requestTimer = setTimeout(onExpire, this.ctx.limits.cobrowseRequestMs, requestId);
    sharing.requestTimer.unref();
    return requestId;
  }

  /** Makes `session` the sharing tab; the previous one (if another) no longer is. */
  setSource(sharing: Sharing, session: Session): Session | null {
    const previous = sharing.source;
    sharing.clearResume();
    if (previous === session) return null;
    if (previous !== null) this.untrack(previous, sharing);
    sharing.source = session;
    this.track(session, sharing);
    return previous;
  }

  /** The sharing tab went away (a page load, or closed): wait `cobrowseResumeMs` for it. */
  loseSource(sharing: Sharing, onTimeout: () => void): void {
    if (sharing.source !== null) this.untrack(sharing.source, sharing);
    sharing.source = null;
    sharing.clearResume();
    sharing.resumeTimer = setTimeout(onTimeout, this.ctx.limits.cobrowseResumeMs);
    sharing.resumeTimer.unref();
  }

  /** Starts (or restarts) sending page data to an agent connection; the checkpoint goes first. */
  watch(sharing: Sharing, session: Session): Watcher {
    let watcher = sharing.watchers.get(session);
    if (watcher === undefined) {
      watcher = new Watcher(session, sharing.checkpoint, this.ctx.limits.maxBufferedBytes, () => sharing.askSnapshot(this.ctx.now()));
      sharing.watchers.set(session, watcher);
      this.track(session, sharing);
    }
    return watcher;
  }

  /** Stops sending page data to an agent connection. */
  unwatch(sharing: Sharing, session: Session): void {
    const watcher = sharing.watchers.get(session);
    if (watcher === undefined) return;
    watcher.dispose();
    sharing.watchers.delete(session);
    this.untrack(session, sharing);
  }

  /**
   * Forwards one batch from the source to every watcher. It is serialised once and the same
   * text is kept in the checkpoint and sent to each; a checkpoint that had to be dropped (or
   * has nothing to build on) asks the source for a fresh full snapshot.
   */
  forward(sharing: Sharing, frame: CobrowseEventsFrame): void {
    const text = JSON.stringify(frame satisfies ServerFrame);
    const change = sharing.checkpoint.add(frame, text);
    if (change === 'dropped' || change === 'ignored') sharing.askSnapshot(this.ctx.now());
    for (const watcher of sharing.watchers.values()) watcher.offer(text, change);
  }

  /** Sends the state to every tab of the visitor (each with its own `source` flag), here and, through the hook, elsewhere. */
  deliverVisitors(sharing: Sharing): void {
    this.onDeliverVisitors?.(sharing);
    let asSource: string | undefined;
    let asOther: string | undefined;
    for (const tab of this.ctx.registry.members(`visitor:${sharing.visitorId}`)) {
      if (tab === sharing.source) tab.sendText((asSource ??= stateText(sharing.visitorStatus(tab))));
      else tab.sendText((asOther ??= stateText(sharing.visitorStatus(tab))));
    }
  }

  /** Sends the state to the agents following the conversation and to its assignee. */
  deliverAgents(sharing: Sharing, conversation: Conversation): void {
    const topics: Topic[] = [`conversation:${conversation.id}`];
    if (conversation.assigneeId) topics.push(`agent:${conversation.assigneeId}`);
    this.ctx.publish(topics, { type: 'cobrowse.state', status: sharing.agentStatus() } satisfies ServerFrame);
  }

  /** Sends the state to both sides. */
  deliver(sharing: Sharing, conversation: Conversation): void {
    // The conversation is read fresh by every action: an identity merge may have moved it.
    this.follow(sharing, conversation);
    this.deliverVisitors(sharing);
    this.deliverAgents(sharing, conversation);
  }

  /** Forgets a sharing that went back to all off. */
  settle(sharing: Sharing): void {
    if (!sharing.off) return;
    this.forget(sharing);
  }

  /** Ends a sharing at once: all off, timers stopped, checkpoint dropped, forgotten. */
  end(sharing: Sharing): void {
    this.forget(sharing);
  }

  /** Stops every timer and forgets everything (the relay is shutting down). */
  close(): void {
    for (const sharing of this.sharings.values()) sharing.reset();
    this.sharings.clear();
    this.byVisitor.clear();
    this.bySession.clear();
  }

  private forget(sharing: Sharing): void {
    if (sharing.source !== null) this.untrack(sharing.source, sharing);
    for (const session of sharing.watchers.keys()) this.untrack(session, sharing);
    sharing.reset();
    if (this.sharings.get(sharing.conversationId) === sharing) this.sharings.delete(sharing.conversationId);
    removeFrom(this.byVisitor, sharing.visitorId, sharing);
  }

  private track(session: Session, sharing: Sharing): void {
    addTo(this.bySession, session, sharing);
  }

  /** A session is the source (visitor) or a watcher (agent) of a sharing, never both. */
  private untrack(session: Session, sharing: Sharing): void {
    removeFrom(this.bySession, session, sharing);
  }
}

function stateText(status: CobrowseStatus): string {
  return JSON.stringify({ type: 'cobrowse.state', status } satisfies ServerFrame);
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([value]));
  else set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
