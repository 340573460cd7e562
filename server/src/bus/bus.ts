/**
 * The Bus: how relay nodes tell each other what to deliver and what changed. The broker
 * publishes an envelope naming topics; every node (this one included) receives it and hands the
 * frame to its own connections subscribed to any of those topics. Beside the frames, nodes
 * exchange control messages (broadcast or to one node), ask each other questions
 * (request/reply), and know who is alive (heartbeats, `onNodeDown`).
 *
 * The in-process `MemoryBus` is the default; `RedisBus` plugs in behind the same interface for
 * scale-out (`openBus`). The bus only signals: storage is the source of truth, so a lost
 * envelope is repaired by the client's seq catch-up, and after the bus reconnects
 * (`onReconnect`) each node catches its subscribed conversations up from the store.
 */
import type { ServerFrame } from '@parley/protocol';

/**
 * Delivery topics. `visitor:<id>`: every connection of a visitor (all tabs, all devices);
 * `agent:<id>`: every connection of an agent; `conversation:<id>`: agent connections that
 * opened the conversation; `agents:<siteId>`: connections of the agents and supervisors who
 * belong to the site; `admins`: every admin connection (admins serve every site);
 * `site:<siteId>`: every visitor connection of the site.
 */
export type Topic = `visitor:${string}` | `agent:${string}` | `conversation:${string}` | `agents:${string}` | 'admins' | `site:${string}`;

/** One frame for the connections subscribed to any of `topics` (each gets it once). */
export interface Envelope {
  topics: Topic[];
  frame: ServerFrame;
  /** A connection id that must not receive it (the sender of a typing frame, say). */
  except?: string;
  /**
   * The frame's JSON text, when the bus already made it (it does whenever other nodes may be
   * listening): a node can send this string to its connections instead of serialising `frame`
   * again. On an envelope from another node `frame` is parsed from it only when read.
   */
  frameJson?: string;
  /**
   * The frame may reach a connection after frames published later, so a node writes a large
   * fan-out of it a slice per turn of its event loop instead of all at once (see `FanOutPacer`).
   * Only for frames whose receivers merge them without rolling anything back (inbox activity).
   */
  paced?: true;
}

/** Receives every envelope published on the bus, by any node. */
export type BusHandler = (envelope: Envelope) => void;

/** A value that survives a JSON round trip unchanged: what control messages may carry. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A value of a protocol type (a frame, a call's state) as a control-message body: they are
 * plain JSON by construction (the protocol sends them as such), but their interfaces carry no
 * index signature for the compiler to see it.
 */
export function asJson(value: object): Json {
  return value as unknown as Json;
}

/**
 * A message between relay nodes that is not a frame for connections: a presence delta, a cache
 * invalidation, a hand-off. `kind` says which; handlers are registered per kind.
 */
export interface ControlMessage<B extends Json = Json> {
  kind: string;
  /** The node id of the sender. */
  from: string;
  body: B;
}

/**
 * Handles control messages of one kind. The bus does not validate bodies (the nodes of a
 * cluster run the same code), so `B` is what the sender promised.
 */
export type ControlHandler<B extends Json = Json> = (message: ControlMessage<B>) => void;

/** Answers requests of one kind on this node; a throw becomes an error reply. */
export type Responder<B extends Json = Json, R extends Json = Json> = (body: B, from: string) => R | Promise<R>;

/** Where a request goes and how long to wait for the replies. */
export interface RequestOptions {
  /** One node id; absent: every live node, this one included. */
  to?: string;
  /** How long to collect replies, in milliseconds. Default `DEFAULT_REQUEST_TIMEOUT_MS`. */
  timeoutMs?: number;
}

/** One node's answer to a request. */
export type Reply<R extends Json = Json> = { from: string; ok: true; body: R } | { from: string; ok: false; error: string };

/** What came back from a request. */
export interface RequestResult<R extends Json = Json> {
  /** The answers, in the order they arrived. */
  replies: Reply<R>[];
  /** Nodes asked that did not answer in time, went down meanwhile, or could not be reached. */
  missing: string[];
}

/** Counters for the relay's metrics and logs. */
export interface BusStats {
  /** Envelopes and control messages not sent because the bus was down (or the send failed). */
  dropped: number;
  /** Times the bus regained its connection after losing it. */
  reconnects: number;
  /**
   * How long this node's latest heartbeat took to come back to it through the bus, in
   * milliseconds (Redis's round trip plus this node's event-loop delay); null when the bus
   * does not carry a node's messages back to it (the in-process bus) or none came back yet.
   */
  lagMs: number | null;
}

/** How long a request waits for replies when the caller does not say. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;
/** How often a node announces that it is alive. */
export const DEFAULT_HEARTBEAT_MS = 1_000;
/** A node not heard from for this long is down. */
export const DEFAULT_DEAD_AFTER_MS = 5_000;

/** The channel between relay nodes. */
export interface Bus {
  /** This node's id, unique in the cluster. */
  readonly nodeId: string;

  /**
   * Sends an envelope to every node, this one included (synchronously, before it returns), in
   * publish order. Never throws: while the bus is down the envelope reaches this node only and
   * the others miss it (counted in `stats().dropped`).
   */
  publish(envelope: Envelope): void;
  /** Calls `handler` for every envelope; returns the unsubscribe function. */
  subscribe(handler: BusHandler): () => void;

  /**
   * Sends a control message to one node (`to`), or to every node, this one included, when `to`
   * is absent. Ordered with the envelopes of this node. Never throws; dropped while down.
   */
  send(kind: string, body: Json, to?: string): void;
  /** Calls `handler` for control messages of `kind`; returns the function that removes it. */
  onControl<B extends Json = Json>(kind: string, handler: ControlHandler<B>): () => void;

  /**
   * Asks one node (`to`) or every live node, this one included, and resolves with their
   * replies once every node asked has answered, or gone down, or the timeout passed. Never
   * rejects: who did not answer is in `missing`.
   */
  request<R extends Json = Json>(kind: string, body: Json, options?: RequestOptions): Promise<RequestResult<R>>;
  /** Answers requests of `kind` on this node (one responder per kind); returns the function that removes it. */
  respond<B extends Json = Json, R extends Json = Json>(kind: string, responder: Responder<B, R>): () => void;

  /** The live nodes (this one included), sorted. */
  nodes(): string[];
  /** Calls `handler` with the id of a node that appeared (or restarted); returns the remover. */
  onNodeUp(handler: (nodeId: string) => void): () => void;
  /**
   * Calls `handler` with the id of a node that said goodbye or stopped heartbeating: end what it
   * owned. Returns the remover.
   */
  onNodeDown(handler: (nodeId: string) => void): () => void;

  /** True while this node can reach the other nodes. */
  isUp(): boolean;
  /**
   * True when no other node can hear this one (the in-process bus of a single relay): what is
   * sent only for the other nodes' sake need not be sent at all.
   */
  alone(): boolean;
  /**
   * Calls `handler` each time the bus regained its connection after losing it. What was
   * published meanwhile is not resent: catch up from the store. When the outage outlasted the
   * dead-after period, the other nodes have meanwhile declared this one down (and see it up
   * again now): tell them again what they should know of it. Returns the remover.
   */
  onReconnect(handler: () => void | Promise<void>): () => void;
  /** Counters since the bus opened. */
  stats(): BusStats;

  /** Says goodbye to the other nodes and stops delivering; no call may follow. */
  close(): Promise<void>;
}
