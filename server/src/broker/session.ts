/**
 * A Session is the broker's view of one client connection: who is on the other end and how to
 * send them a frame. The transport creates the link; the broker owns the rest.
 */
import type { ServerFrame } from '@parley/protocol';
import type { Topic } from '../bus/bus.js';

/** What the transport hands the broker for one connection. */
export interface PeerLink {
  /** Unique connection id. */
  readonly id: string;
  /** Queues a frame to the client (the transport cuts slow consumers). */
  send(frame: ServerFrame): void;
}

/** Who a connection authenticated as during the upgrade. */
export type PeerIdentity =
  | { role: 'visitor'; visitorId: string; siteId: string; token: string; userAgent?: string }
  | { role: 'agent'; agentId: string; token: string };

/** One connection as the broker tracks it. */
export class Session {
  readonly id: string;
  readonly role: 'visitor' | 'agent';
  /** Visitor id or agent id. A visitor's changes when an identify merges it into a known user. */
  subjectId: string;
  /** The visitor's site; null for agents (who work across sites). */
  readonly siteId: string | null;
  /** The token the connection authenticated with (replaced when identify issues a new one). */
  token: string;
  readonly userAgent: string | undefined;
  /** True once `hello` was handled; frames before it are not dispatched. */
  ready = false;
  /** Topics this connection receives. */
  readonly topics = new Set<Topic>();
  /** Agent: conversations opened, oldest first (capped; the oldest is dropped). */
  readonly opened: string[] = [];
  private readonly link: PeerLink;

  constructor(link: PeerLink, identity: PeerIdentity) {
    this.link = link;
    this.id = link.id;
    this.role = identity.role;
    this.token = identity.token;
    if (identity.role === 'visitor') {
      this.subjectId = identity.visitorId;
      this.siteId = identity.siteId;
      this.userAgent = identity.userAgent;
    } else {
      this.subjectId = identity.agentId;
      this.siteId = null;
      this.userAgent = undefined;
    }
  }

  /** Sends one frame to this connection. */
  send(frame: ServerFrame): void {
    this.link.send(frame);
  }
}
