/**
 * One conversation's co-browse session as its owner node holds it: its state (plain data,
 * changed only by `cobrowseTransition`) beside what cannot be data: the source tab's and the
 * watchers' live connections the state names, the checkpoint and the timers. The hub owns these.
 */
import type { CobrowsePhase, CobrowseStatus, ServerFrame } from '@parley/protocol';
import type { Session } from '../session.js';
import { Checkpoint } from './checkpoint.js';
import { agentStatusOf, isOff, statusOf, visitorStatusOf, type SharingState } from './sharing-state.js';
import { Watcher } from './watcher.js';

/** At most one `cobrowse.snapshot` per this many milliseconds per conversation. */
export const SNAPSHOT_INTERVAL_MS = 1000;

/** One conversation's co-browse session. */
export class Sharing {
  /** Where it stands; replaced by each transition. */
  state: SharingState;
  /** The connection that records and sends the page (the one `state.source` names); null during a page load. */
  source: Session | null = null;
  /** Agent connections watching the page (those `state.watchers` names). */
  readonly watchers = new Map<Session, Watcher>();
  readonly checkpoint: Checkpoint;
  requestTimer: NodeJS.Timeout | null = null;
  resumeTimer: NodeJS.Timeout | null = null;
  private lastSnapshotAt = Number.NEGATIVE_INFINITY;

  constructor(state: SharingState, checkpointBytes: number) {
    this.state = state;
    this.checkpoint = new Checkpoint(checkpointBytes);
  }

  /** The conversation it belongs to. */
  get conversationId(): string {
    return this.state.conversationId;
  }

  /** The conversation's visitor. */
  get visitorId(): string {
    return this.state.visitorId;
  }

  /** Where sharing the page stands. */
  get view(): CobrowsePhase {
    return this.state.view;
  }

  /** Where remote control stands. */
  get control(): CobrowsePhase {
    return this.state.control;
  }

  /** True when nothing is asked nor shared (the hub then forgets it). */
  get off(): boolean {
    return isOff(this.state);
  }

  /** The state both sides share. */
  status(): CobrowseStatus {
    return statusOf(this.state);
  }

  /** The state as one visitor connection sees it (`source` differs per tab). */
  visitorStatus(session: Session): CobrowseStatus {
    return visitorStatusOf(this.state, session.id);
  }

  /** The state as agents see it (`live` while a sharing tab is connected). */
  agentStatus(): CobrowseStatus {
    return agentStatusOf(this.state);
  }

  /**
   * Asks the source for a fresh full snapshot, at most once per `SNAPSHOT_INTERVAL_MS`: several
   * agents joining at once share one snapshot. False when nothing was sent.
   */
  askSnapshot(now: number): boolean {
    if (this.source === null || this.state.view !== 'active') return false;
    if (now - this.lastSnapshotAt < SNAPSHOT_INTERVAL_MS) return false;
    this.lastSnapshotAt = now;
    this.source.send({ type: 'cobrowse.snapshot', conversationId: this.conversationId } satisfies ServerFrame);
    return true;
  }

  /** Stops the pending request's expiry timer. */
  clearRequest(): void {
    if (this.requestTimer !== null) clearTimeout(this.requestTimer);
    this.requestTimer = null;
  }

  /** Stops the wait for the source tab to come back. */
  clearResume(): void {
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
  }

  /** Lets go of every live part: no source, no watchers, no checkpoint, no timer. */
  reset(): void {
    this.clearRequest();
    this.clearResume();
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    this.checkpoint.clear();
    this.source = null;
  }
}
