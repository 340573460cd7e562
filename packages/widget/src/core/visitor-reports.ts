/**
 * What the host page tells the agent about the visitor: identity, tracked events and in-page
 * navigation. Unlike typing these still matter later, so a frame that cannot go out now is kept
 * (the newest `PENDING_LIMIT`) and sent when the next connection is welcomed.
 */
import type { Attributes, ClientFrame } from '@parley/protocol';
import type { PageInfo } from './page-tracker.js';

/** What `Parley('identify', ...)` takes. */
export interface IdentifyOptions {
  userId?: string;
  userHash?: string;
  name?: string;
  email?: string;
  attributes?: Attributes;
}

/** Frames kept while offline; the oldest go first, so a stuck page cannot grow memory. */
export const PENDING_LIMIT = 50;

/** Sends identify, track and page frames, keeping them while the link is down. */
export class VisitorReports {
  private _pending: ClientFrame[] = [];

  /** `send` returns false when the frame could not go out. */
  constructor(private readonly _send: (frame: ClientFrame) => boolean) {}

  /** Names the host page's user (verified by the relay when `userHash` is right). */
  identify(options: IdentifyOptions): void {
    const frame: ClientFrame = { type: 'visitor.identify' };
    if (options.userId !== undefined) frame.userId = String(options.userId);
    if (options.userHash) frame.userHash = options.userHash;
    if (options.name) frame.name = options.name;
    if (options.email) frame.email = options.email;
    if (options.attributes) frame.attributes = options.attributes;
    this._sendOrKeep(frame);
  }

  /** Records a host-page event for the agent. */
  track(event: string, props?: Attributes): void {
    const frame: ClientFrame = { type: 'visitor.track', event };
    if (props) frame.props = props;
    this._sendOrKeep(frame);
  }

  /** Tells the agent the visitor moved to another page of a single-page app. */
  page(page: PageInfo): void {
    this._sendOrKeep({ type: 'visitor.page', url: page.url, title: page.title } satisfies ClientFrame);
  }

  /** Sends what was kept, in order; called once a connection is welcomed. */
  flush(): void {
    const pending = this._pending;
    this._pending = [];
    for (const frame of pending) this._sendOrKeep(frame);
  }

  private _sendOrKeep(frame: ClientFrame): void {
    if (this._send(frame)) return;
    this._pending = [...this._pending, frame].slice(-PENDING_LIMIT);
  }
}
