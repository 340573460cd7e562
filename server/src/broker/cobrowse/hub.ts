/**
 * The co-browse hub: every conversation's co-browse session on this relay node, and the shell
 * around `cobrowseTransition`.
 *
 * A session's rules are one pure function (`cobrowse-transition.ts`) over plain state
 * (`sharing-state.ts`). The hub feeds it events and performs the effects that touch this
 * process: it keeps each session's state beside its live source and watcher connections, the
 * checkpoint and the request and resume timers, and hands back the effects that need the
 * conversation (telling both sides, timeline lines) for `lifecycle.ts`; lines the store cannot
 * take yet wait in `unwritten`. Page data goes from the
 * source tab to the watchers through it (`forward`). Events of one conversation are fed one at a
 * time (`ctx.serial` with `cobrowseKey`).
 *
 * A sharing lives on the node where the agent asked for it. A source tab or a watcher connected
 * to another node is a proxy session (`cluster/peers.ts`), and the visitor's tabs on other nodes
 * learn the state through `directory.ts`. A relay that restarts forgets its co-browse sessions,
 * and both sides see them end.
 */
import { ParleyError, cobrowseOff, type CobrowseEventsFrame, type CobrowseStatus, type ServerFrame } from '@parley/protocol';
import type { Topic } from '../../bus/bus.js';
import type { Conversation } from '../../storage/storage.js';
import type { BrokerContext } from '../context.js';
import type { Session } from '../session.js';
import { cobrowseTransition, type CobrowseEffect, type CobrowseEvent } from './cobrowse-transition.js';
import { Sharing } from './sharing.js';
import { isOff, sharingOff } from './sharing-state.js';
import { Watcher } from './watcher.js';
import { UnwrittenLines } from '../unwritten-lines.js';

/** The parts of the broker the hub uses. */
export type HubContext = Pick<BrokerContext, 'limits' | 'registry' | 'publish' | 'now'>;

/** The effects a transition leaves for the conversation (see `lifecycle.ts`). */
export type SharingConversationEffect = Extract<CobrowseEffect, { type: 'deliver' | 'deliver-agents' | 'line' }>;

/** A line a transition leaves for the conversation's timeline. */
export type SharingLine = Extract<CobrowseEffect, { type: 'line' }>;

/** The timer events the hub feeds back (through `onTimer`). */
export type SharingTimerEvent = Extract<CobrowseEvent, { type: 'request-expired' | 'resume-expired' }>;

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
  /** A sharing's timer fired: the event to feed, in order with the conversation's other events. */
  onTimer: ((sharing: Sharing, event: SharingTimerEvent) => void) | null = null;
  /** Lines co-browse left on conversations that the store could not take yet (see `../unwritten-lines.ts`). */
  readonly unwritten = new UnwrittenLines<SharingLine>('co-browse');

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

  /**
   * Feeds one event to a conversation's co-browse and performs what touches this node: the
   * state, the live source and watchers (`session` is the acting connection), timers, the
   * checkpoint and replies. Returns the session (forgotten once all off; undefined when there
   * never was one) and the effects left for the conversation, in order. A refused event throws its `ParleyError` and changes nothing.
   */
  apply(
    conversation: Pick<Conversation, 'id' | 'visitorId'>,
    event: CobrowseEvent,
    session?: Session,
  ): { sharing: Sharing | undefined; effects: SharingConversationEffect[] } {
    let sharing = this.sharings.get(conversation.id);
    if (sharing !== undefined) this.follow(sharing, conversation);
    const state = sharing?.state ?? sharingOff(conversation.id, conversation.visitorId);
    const outcome = cobrowseTransition(state, event, this.ctx.now());
    if ('refused' in outcome) throw new ParleyError(outcome.refused, outcome.message);
    if (sharing === undefined) {
      if (isOff(outcome.state)) {
        // Nothing to keep: only a reply can be due.
        if (outcome.effects.some((effect) => effect.type === 'reply')) session?.send(stateFrame(this.statusFor(conversation.id, session)));
        return { sharing: undefined, effects: [] };
      }
      sharing = new Sharing(outcome.state, this.ctx.limits.cobrowseCheckpointBytes);
      this.sharings.set(sharing.conversationId, sharing);
      addTo(this.byVisitor, sharing.visitorId, sharing);
    }
    sharing.state = outcome.state;
    const left: SharingConversationEffect[] = [];
    let former: Session | null = null;
    for (const effect of outcome.effects) {
      switch (effect.type) {
        case 'deliver':
        case 'deliver-agents':
        case 'line':
          left.push(effect);
          break;
        case 'request-timer':
          sharing.clearRequest();
          if (effect.requestId !== null) sharing.requestTimer = this.timer(sharing, { type: 'request-expired', requestId: effect.requestId }, this.ctx.limits.cobrowseRequestMs);
          break;
        case 'resume-timer':
          sharing.clearResume();
          if (effect.run) sharing.resumeTimer = this.timer(sharing, { type: 'resume-expired' }, this.ctx.limits.cobrowseResumeMs);
          break;
        case 'source':
          former = sharing.source;
          if (session !== undefined && session.id === effect.connection && former !== session) {
            if (former !== null) removeFrom(this.bySession, former, sharing);
            sharing.source = session;
            // The tab id reaches the widget's sessionStorage only now; a reload names it in `hello.tab`.
            session.tab = effect.tab;
            addTo(this.bySession, session, sharing);
          }
          break;
        case 'tell-former-source':
          if (former !== null && former.id === effect.connection) former.send(stateFrame(sharing.visitorStatus(former)));
          break;
        case 'reply':
          if (session !== undefined) session.send(stateFrame(this.statusFor(sharing.conversationId, session)));
          break;
        case 'watch':
          if (session !== undefined && session.id === effect.connection) this.watch(sharing, session);
          break;
        case 'unwatch':
          this.unwatch(sharing, effect.connection);
          break;
        case 'forget':
          this.forget(sharing);
          break;
      }
    }
    // The source connection closed: let go of it (the state no longer names it).
    if (sharing.source !== null && sharing.state.source !== sharing.source.id) {
      removeFrom(this.bySession, sharing.source, sharing);
      sharing.source = null;
    }
    return { sharing, effects: left };
  }

  /** Keeps the visitor index right when the conversation moved to another visitor (a merge). */
  follow(sharing: Sharing, conversation: Pick<Conversation, 'visitorId'>): void {
    if (conversation.visitorId === sharing.visitorId) return;
    removeFrom(this.byVisitor, sharing.visitorId, sharing);
    const outcome = cobrowseTransition(sharing.state, { type: 'visitor-moved', visitorId: conversation.visitorId }, this.ctx.now());
    if (!('refused' in outcome)) sharing.state = outcome.state;
    addTo(this.byVisitor, sharing.visitorId, sharing);
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

  /** Stops every timer and forgets everything (the relay is shutting down). */
  close(): void {
    this.unwritten.close();
    for (const sharing of this.sharings.values()) sharing.reset();
    this.sharings.clear();
    this.byVisitor.clear();
    this.bySession.clear();
  }

  /** The state as this connection sees it. */
  private statusFor(conversationId: string, session: Session): CobrowseStatus {
    return session.role === 'visitor' ? this.visitorStatus(conversationId, session) : this.agentStatus(conversationId);
  }

  private timer(sharing: Sharing, event: SharingTimerEvent, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.onTimer?.(sharing, event), ms);
    timer.unref();
    return timer;
  }

  /**
   * Starts (or restarts, after a gap) sending page data to an agent connection: the state, then
   * the checkpoint at once (paced), and the source is asked for a fresh snapshot.
   */
  private watch(sharing: Sharing, session: Session): void {
    let watcher = sharing.watchers.get(session);
    if (watcher === undefined) {
      watcher = new Watcher(session, sharing.checkpoint, this.ctx.limits.maxBufferedBytes, () => sharing.askSnapshot(this.ctx.now()));
      sharing.watchers.set(session, watcher);
      addTo(this.bySession, session, sharing);
    }
    session.send(stateFrame(sharing.agentStatus()));
    watcher.resync();
    sharing.askSnapshot(this.ctx.now());
  }

  /** Stops sending page data to an agent connection. */
  private unwatch(sharing: Sharing, connection: string): void {
    for (const [session, watcher] of sharing.watchers) {
      if (session.id !== connection) continue;
      watcher.dispose();
      sharing.watchers.delete(session);
      removeFrom(this.bySession, session, sharing);
    }
  }

  private forget(sharing: Sharing): void {
    if (sharing.source !== null) removeFrom(this.bySession, sharing.source, sharing);
    for (const session of sharing.watchers.keys()) removeFrom(this.bySession, session, sharing);
    sharing.reset();
    if (this.sharings.get(sharing.conversationId) === sharing) this.sharings.delete(sharing.conversationId);
    removeFrom(this.byVisitor, sharing.visitorId, sharing);
  }
}

/** A `cobrowse.state` frame. */
function stateFrame(status: CobrowseStatus): ServerFrame {
  return { type: 'cobrowse.state', status } satisfies ServerFrame;
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
