/**
 * The co-browse state of one conversation, as the relay keeps it in memory: where each scope
 * stands, the pending request, the source tab and its connection, the agents watching, the
 * checkpoint and the timers. The hub owns these; the actions change them.
 */
import type { CobrowsePhase, CobrowseStatus, ServerFrame } from '@parley/protocol';
import type { Session } from '../session.js';
import { Checkpoint } from './checkpoint.js';
import { Watcher } from './watcher.js';

/** At most one `cobrowse.snapshot` per this many milliseconds per conversation. */
export const SNAPSHOT_INTERVAL_MS = 1000;

/** One conversation's co-browse session. */
export class Sharing {
  readonly conversationId: string;
  /** The conversation's visitor (follows an identity merge on the next action). */
  visitorId: string;
  view: CobrowsePhase = 'off';
  control: CobrowsePhase = 'off';
  /** The pending request the visitor answers; set while a scope is `requested`. */
  requestId: string | null = null;
  /** The agent who asked (or is viewing) and their display name. */
  agentId: string | null = null;
  agentName: string | null = null;
  /** When the visitor started sharing. */
  since: number | null = null;
  /** The source tab's id (sessionStorage), so sharing resumes after a full page load in it. */
  tab: string | null = null;
  /** The connection that records and sends the page; null during a page load. */
  source: Session | null = null;
  /** Agent connections watching the page. */
  readonly watchers = new Map<Session, Watcher>();
  readonly checkpoint: Checkpoint;
  requestTimer: NodeJS.Timeout | null = null;
  resumeTimer: NodeJS.Timeout | null = null;
  private lastSnapshotAt = Number.NEGATIVE_INFINITY;

  constructor(conversationId: string, visitorId: string, checkpointBytes: number) {
    this.conversationId = conversationId;
    this.visitorId = visitorId;
    this.checkpoint = new Checkpoint(checkpointBytes);
  }

  /** True when nothing is asked nor shared (the hub then forgets it). */
  get off(): boolean {
    return this.view === 'off' && this.control === 'off';
  }

  /** The state both sides share. */
  status(): CobrowseStatus {
    return {
      conversationId: this.conversationId,
      view: this.view,
      control: this.control,
      requestId: this.requestId,
      agentName: this.agentName,
      since: this.since,
    };
  }

  /** The state as one visitor connection sees it (`source` differs per tab). */
  visitorStatus(session: Session): CobrowseStatus {
    return { ...this.status(), source: this.source === session };
  }

  /** The state as agents see it (`live` while a sharing tab is connected). */
  agentStatus(): CobrowseStatus {
    return { ...this.status(), live: this.view === 'active' && this.source !== null };
  }

  /**
   * Asks the source for a fresh full snapshot, at most once per `SNAPSHOT_INTERVAL_MS`: several
   * agents joining at once share one snapshot. False when nothing was sent.
   */
  askSnapshot(now: number): boolean {
    if (this.source === null || this.view !== 'active') return false;
    if (now - this.lastSnapshotAt < SNAPSHOT_INTERVAL_MS) return false;
    this.lastSnapshotAt = now;
    this.source.send({ type: 'cobrowse.snapshot', conversationId: this.conversationId } satisfies ServerFrame);
    return true;
  }

  /** Forgets the pending request and its expiry timer. */
  clearRequest(): void {
    if (this.requestTimer !== null) clearTimeout(this.requestTimer);
    this.requestTimer = null;
    this.requestId = null;
  }

  /** Stops the wait for the source tab to come back. */
  clearResume(): void {
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
  }

  /** Back to all off: no request, no source, no watchers, no checkpoint, no timer. */
  reset(): void {
    this.clearRequest();
    this.clearResume();
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    this.checkpoint.clear();
    this.view = 'off';
    this.control = 'off';
    this.agentId = null;
    this.agentName = null;
    this.since = null;
    this.tab = null;
    this.source = null;
  }
}
