/**
 * Connections of other relay nodes, as this node's live sessions (a call, a co-browse session)
 * see them. A live session has one owner node; a frame from a participant connected elsewhere is
 * forwarded to the owner (`forward`), where the participant is a proxy `Session` whose frames go
 * back over the bus to its own node, which hands them to the real connection. When the real
 * connection closes, or its node goes down, the owner is told and runs the capabilities' leave
 * hooks for the proxy, as for a local connection that closed.
 */
import { ERROR_CATALOG, isErrorCode, ParleyError, type ClientFrame, type ErrorCode } from '@parley/protocol';
import { asJson, type Bus, type Json } from '../../bus/bus.js';
import { isStoreUnavailable } from '../../storage/store-unavailable.js';
import { Session } from '../session.js';

/** Control and request kinds. */
export const PEER_TEXT = 'peer.text';
export const PEER_WATCH = 'peer.watch';
export const PEER_GONE = 'peer.gone';
export const PEER_FRAME = 'peer.frame';

/** How long a node waits for the owner of a live session to handle a forwarded frame. */
const FORWARD_TIMEOUT_MS = 5_000;

/** A connection as another node needs to know it. */
export type PeerInfo = {
  node: string;
  id: string;
  role: 'visitor' | 'agent';
  subjectId: string;
  siteId: string | null;
  siteIds: string[] | null;
  tab: string | null;
};

/** How a forwarded frame went on its owner. */
type ForwardReply = { ok: true } | { ok: false; code: string; message: string };

/** What the peers need from the broker. */
export interface PeersHost {
  /** Handles a frame from a (proxy) session as the frame's capability would. */
  handle(session: Session, frame: ClientFrame): Promise<void>;
  /** A proxy's real connection closed: the capabilities let go of it. */
  left(session: Session): Promise<void>;
}

/** This node's connections by id, and proxies of other nodes' connections. */
export class RemotePeers {
  readonly #bus: Bus;
  readonly #host: PeersHost;
  /** This node's connections, by id. */
  readonly #local = new Map<string, Session>();
  /** Owners told to hear of a local connection's closing: connection id -> node ids. */
  readonly #watchers = new Map<string, Set<string>>();
  /** Proxies of other nodes' connections: `<node>/<id>` -> session. */
  readonly #proxies = new Map<string, Session>();
  readonly #stops: (() => void)[];

  constructor(bus: Bus, host: PeersHost) {
    this.#bus = bus;
    this.#host = host;
    this.#stops = [
      bus.onControl<{ id: string; text: string }>(PEER_TEXT, ({ body }) => this.#local.get(body.id)?.sendText(body.text)),
      bus.onControl<{ id: string }>(PEER_WATCH, ({ from, body }) => {
        if (!this.#local.has(body.id)) return void bus.send(PEER_GONE, { id: body.id }, from);
        let owners = this.#watchers.get(body.id);
        if (owners === undefined) this.#watchers.set(body.id, (owners = new Set()));
        owners.add(from);
      }),
      bus.onControl<{ id: string }>(PEER_GONE, ({ from, body }) => void this.#gone(`${from}/${body.id}`)),
      bus.onNodeDown((node) => {
        for (const key of [...this.#proxies.keys()]) if (key.startsWith(`${node}/`)) void this.#gone(key);
      }),
      bus.respond<Json, ForwardReply>(PEER_FRAME, async (body) => {
        const { peer, frame } = body as unknown as { peer: PeerInfo; frame: ClientFrame };
        try {
          await host.handle(this.#proxy(peer), frame);
          return { ok: true };
        } catch (error) {
          if (error instanceof ParleyError) return { ok: false, code: error.code, message: error.message };
          // The asking node's client gets the same retryable refusal as if its own store had failed.
          if (isStoreUnavailable(error)) return { ok: false, code: 'unavailable', message: ERROR_CATALOG.unavailable.message };
          throw error;
        }
      }),
    ];
  }

  /** A connection of this node said hello. */
  added(session: Session): void {
    this.#local.set(session.id, session);
  }

  /** A connection of this node closed: owners that hold a proxy of it are told. */
  removed(session: Session): void {
    this.#local.delete(session.id);
    const owners = this.#watchers.get(session.id);
    if (owners === undefined) return;
    this.#watchers.delete(session.id);
    for (const node of owners) this.#bus.send(PEER_GONE, { id: session.id }, node);
  }

  /** What another node needs to know of a local connection. */
  info(session: Session): PeerInfo {
    return {
      node: this.#bus.nodeId,
      id: session.id,
      role: session.role,
      subjectId: session.subjectId,
      siteId: session.siteId,
      siteIds: session.siteIds && [...session.siteIds],
      tab: session.tab,
    };
  }

  /**
   * Has the owner node handle a frame of a local connection (a live session it owns); its
   * refusal is thrown here as it would be on the owner. An owner that does not answer (down)
   * means the live session is gone: `missing`.
   */
  async forward(owner: string, session: Session, frame: ClientFrame, missing: ErrorCode): Promise<void> {
    const { replies } = await this.#bus.request<ForwardReply>(PEER_FRAME, asJson({ peer: this.info(session), frame }), { to: owner, timeoutMs: FORWARD_TIMEOUT_MS });
    const [reply] = replies;
    if (!reply) throw new ParleyError(missing);
    if (!reply.ok) throw new ParleyError('internal', reply.error);
    if (!reply.body.ok) throw new ParleyError(isErrorCode(reply.body.code) ? reply.body.code : 'internal', reply.body.message);
  }

  /** Stops listening. */
  close(): void {
    for (const stop of this.#stops) stop();
    this.#proxies.clear();
    this.#local.clear();
    this.#watchers.clear();
  }

  /** The proxy of another node's connection, made (and its closing watched) on first use. */
  proxy(peer: PeerInfo): Session {
    return this.#proxy(peer);
  }

  #proxy(peer: PeerInfo): Session {
    const key = `${peer.node}/${peer.id}`;
    let proxy = this.#proxies.get(key);
    if (proxy === undefined) {
      const bus = this.#bus;
      const link = {
        id: peer.id,
        bufferedAmount: 0,
        sendText: (text: string) => bus.send(PEER_TEXT, { id: peer.id, text }, peer.node),
        closeWith: () => undefined,
      };
      const identity =
        peer.role === 'visitor' ? { role: 'visitor' as const, visitorId: peer.subjectId, siteId: peer.siteId ?? '' } : { role: 'agent' as const, agentId: peer.subjectId };
      proxy = new Session(link, identity);
      proxy.siteIds = peer.siteIds;
      proxy.ready = true;
      this.#proxies.set(key, proxy);
      bus.send(PEER_WATCH, { id: peer.id }, peer.node);
    }
    // What may change between frames of one connection (a sign-in moved it, a new tab id).
    proxy.subjectId = peer.subjectId;
    proxy.tab = peer.tab;
    return proxy;
  }

  async #gone(key: string): Promise<void> {
    const proxy = this.#proxies.get(key);
    if (proxy === undefined) return;
    this.#proxies.delete(key);
    await this.#host.left(proxy);
  }
}
