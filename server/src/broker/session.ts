/**
 * A Session is the broker's view of one client connection: who is on the other end and how to
 * send them a frame. The transport creates the link; the broker owns the rest.
 *
 * Memory: an idle relay holds one Session per visitor tab, so it keeps only what the broker
 * reads again later. The upgrade's token is not kept (a new one is signed when a frame must
 * carry one), the user agent is dropped once `hello` has read it, topics are a small array and
 * the list of opened conversations exists for agents only.
 */
import type { ErrorCode, ServerFrame } from '@parley/protocol';
import type { Topic } from '../bus/bus.js';

/** The scope of an agent connection before its `hello`: no site. Shared, never changed. */
const NO_SITES: readonly string[] = Object.freeze([]);

/** What the transport hands the broker for one connection. */
export interface PeerLink {
  /** Unique connection id. */
  readonly id: string;
  /**
   * Queues a frame already serialised as JSON text (the transport cuts slow consumers). A
   * fan-out serialises a frame once and hands the same string to every recipient, and for a
   * large one also its UTF-8 `bytes`, encoded once, which are written instead of the text.
   */
  sendText(text: string, bytes?: Buffer): void;
  /** Bytes queued to the peer and not yet written to the network (co-browse paces by it). */
  readonly bufferedAmount: number;
  /** Sends the error of `code` and closes the connection with its close code. */
  closeWith(code: ErrorCode): void;
  /** The `chat.ack` of this client id was just queued (the transport times acks by it). */
  acked?(clientId: string): void;
}

/** Who a connection authenticated as during the upgrade. */
export type PeerIdentity =
  | { role: 'visitor'; visitorId: string; siteId: string; expiresAt?: number; userAgent?: string; address?: string | null }
  | { role: 'agent'; agentId: string; expiresAt?: number; sessionId?: string };

/** One connection as the broker tracks it. */
export class Session {
  readonly id: string;
  readonly role: 'visitor' | 'agent';
  /** Visitor id or agent id. A visitor's changes when an identify merges it into a known user. */
  subjectId: string;
  /** The visitor's site; null for agents (who may serve several, see `siteIds`). */
  readonly siteId: string | null;
  /** The visitor's User-Agent header until `hello` has read it (then undefined). */
  userAgent: string | undefined;
  /** The visitor's client key (an address or IPv6 /64, see `client-ip.ts`), when known. */
  readonly address: string | null;
  /** True once `hello` was handled; frames before it are not dispatched. */
  ready = false;
  /**
   * Shared topics this connection receives (`agents:*`, `admins`, `site:*`, `agent:*`, `conversation:*`).
   * A handful at most, so an array beats a Set. The visitor's own topic is kept apart, in
   * `visitorKey`, so that a visitor tab holds no topic string of its own.
   */
  readonly topics: Topic[] = [];
  /**
   * Agent: the ids of the sites whose conversations it may see, loaded at `hello` (none
   * before); null when it serves every site (an admin). Unused for visitors.
   */
  siteIds: readonly string[] | null = NO_SITES;
  /** The visitor id this session is registered under for its `visitor:<id>` topic, if any. */
  visitorKey: string | null = null;
  /** Agent: conversations opened, oldest first (capped; the oldest is dropped). Made on first use. */
  opened: string[] | undefined;
  /** Visitor: the tab's co-browse id (`hello.tab`, or the tab that consented), else null. */
  tab: string | null = null;
  private readonly link: PeerLink;

  constructor(link: PeerLink, identity: PeerIdentity) {
    this.link = link;
    this.id = link.id;
    this.role = identity.role;
    if (identity.role === 'visitor') {
      this.subjectId = identity.visitorId;
      this.siteId = identity.siteId;
      this.userAgent = identity.userAgent;
      this.address = identity.address ?? null;
    } else {
      this.subjectId = identity.agentId;
      this.siteId = null;
      this.userAgent = undefined;
      this.address = null;
    }
  }

  /** Sends one frame to this connection. */
  send(frame: ServerFrame): void {
    this.link.sendText(JSON.stringify(frame));
  }

  /** Tells the transport a `chat.ack` for `clientId` was just sent (see `PeerLink.acked`). */
  acked(clientId: string): void {
    this.link.acked?.(clientId);
  }

  /** Sends a frame another recipient may share, already serialised (and maybe encoded, see `PeerLink.sendText`). */
  sendText(text: string, bytes?: Buffer): void {
    this.link.sendText(text, bytes);
  }

  /** Closes the connection with the error `code` (its close code), e.g. when its scope changed. */
  close(code: ErrorCode): void {
    this.link.closeWith(code);
  }

  /** Bytes queued to this connection and not yet written to the network. */
  get bufferedAmount(): number {
    return this.link.bufferedAmount;
  }
}
