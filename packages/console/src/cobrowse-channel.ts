/**
 * The session's co-browse side: requests and stops, which conversations the agent watches (and
 * rejoining them after a reconnect), page data routed straight to the mounted viewer (it never
 * passes through the store: it is large and frequent), and the agent's pointer held to at most
 * ten frames a second.
 */
import type {
  AgentFrame,
  CobrowseControlFrame,
  CobrowseEndFrame,
  CobrowseEventsFrame,
  CobrowseJoinFrame,
  CobrowseLeaveFrame,
  CobrowsePointerFrame,
  CobrowsePointerKind,
  CobrowseRequestFrame,
  CobrowseScope,
} from '@parley/protocol';
import { Throttle } from './throttle.js';

/** Where a watched conversation's page data goes: the viewer on screen. */
export interface CobrowseWatcher {
  /** One `cobrowse.events` frame of the watched conversation. */
  events(frame: CobrowseEventsFrame): void;
  /** The console joined again (after a reconnect): expect a fresh full batch. */
  reset(): void;
}

/** A remote-control action as the viewer describes it. */
export type CobrowseControlInput = Omit<CobrowseControlFrame, 'type' | 'conversationId'>;

/** Least time between two pointer frames, in milliseconds (ten a second). */
export const POINTER_FRAME_MS = 100;
/** Least time between two joins of one conversation asked for by its viewer, in milliseconds. */
export const RESYNC_JOIN_MS = 1000;

/** The co-browse part of one console session. */
export class CobrowseChannel {
  private readonly send: (frame: AgentFrame) => boolean;
  private readonly now: () => number;
  private readonly watchers = new Map<string, CobrowseWatcher>();
  private readonly joinedAt = new Map<string, number>();
  private readonly pointer: Throttle<CobrowsePointerFrame>;

  constructor(send: (frame: AgentFrame) => boolean, now: () => number = Date.now) {
    this.send = send;
    this.now = now;
    this.pointer = new Throttle(POINTER_FRAME_MS, (frame) => this.send(frame), now);
  }

  /** Asks the visitor to share the page (`view`) or to allow control. */
  request(conversationId: string, scope: CobrowseScope): void {
    this.send({ type: 'cobrowse.request', conversationId, scope } satisfies CobrowseRequestFrame);
  }

  /** Stops sharing (`view`, also cancels a pending request) or remote control only. */
  end(conversationId: string, scope: CobrowseScope): void {
    if (scope === 'view') this.pointer.cancel();
    this.send({ type: 'cobrowse.end', conversationId, scope } satisfies CobrowseEndFrame);
  }

  /** Starts watching: joins now, and routes the page data to `watcher` until the returned stop. */
  watch(conversationId: string, watcher: CobrowseWatcher): () => void {
    this.watchers.set(conversationId, watcher);
    this.join(conversationId);
    return () => {
      if (this.watchers.get(conversationId) !== watcher) return;
      this.watchers.delete(conversationId);
      this.joinedAt.delete(conversationId);
      this.pointer.cancel();
      this.send({ type: 'cobrowse.leave', conversationId } satisfies CobrowseLeaveFrame);
    };
  }

  /** The viewer lost its place: join again for a fresh checkpoint (at most once a second). */
  resync(conversationId: string): void {
    if (!this.watchers.has(conversationId)) return;
    const last = this.joinedAt.get(conversationId);
    if (last !== undefined && this.now() - last < RESYNC_JOIN_MS) return;
    this.join(conversationId);
  }

  /** Connected again: the relay forgot who watches, so join every watched conversation again. */
  rejoinAll(): void {
    for (const [conversationId, watcher] of this.watchers) {
      watcher.reset();
      this.join(conversationId);
    }
  }

  /** Hands page data to its viewer; frames of conversations nobody watches are dropped. */
  route(frame: CobrowseEventsFrame): void {
    this.watchers.get(frame.conversationId)?.events(frame);
  }

  /** Places the agent's pointer or highlight on the visitor's page. */
  point(conversationId: string, kind: CobrowsePointerKind, node: number, x: number, y: number): void {
    this.pointer.push({ type: 'cobrowse.pointer', conversationId, kind, node, x, y });
  }

  /** Clicks, scrolls or types on the visitor's page. */
  control(conversationId: string, input: CobrowseControlInput): void {
    this.send({ type: 'cobrowse.control', conversationId, ...input } satisfies CobrowseControlFrame);
  }

  /** Drops what is held (the session ends). */
  stop(): void {
    this.pointer.cancel();
    this.watchers.clear();
    this.joinedAt.clear();
  }

  private join(conversationId: string): void {
    this.joinedAt.set(conversationId, this.now());
    this.send({ type: 'cobrowse.join', conversationId } satisfies CobrowseJoinFrame);
  }
}
