/**
 * The Bus over any transport: local delivery, heartbeats and membership, control messages,
 * request/reply and connection state, written once for every backend. A backend (the in-process
 * hub, Redis) only moves text (`BusTransport`).
 *
 * What this node publishes reaches this node's handlers synchronously, before `publish`
 * returns, and never through the transport: local delivery does not wait for a round trip and
 * goes on while the transport is down (the other nodes miss those messages and catch up from
 * the store). What comes back from the transport with this instance's mark is ignored.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import {
  DEFAULT_DEAD_AFTER_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type Bus,
  type BusHandler,
  type BusStats,
  type ControlHandler,
  type ControlMessage,
  type Envelope,
  type Json,
  type RequestOptions,
  type RequestResult,
  type Responder,
} from './bus.js';
import type { BusTransport, TransportSink } from './bus-transport.js';
import { NO_BUS_METER, type AcceptsBusMeter, type BusMeter } from '../metrics/bus-meter.js';
import { Listeners } from './listeners.js';
import { Membership } from './membership.js';
import { PendingRequests } from './pending-requests.js';
import { decodeControl, decodeEnvelope, encodeControl, encodeEnvelope, type ControlWire } from './wire.js';

/** Settings shared by every bus backend. */
export interface ClusterBusOptions {
  /** This node's id; default `<hostname>-<random>`. Must be unique in the cluster. */
  nodeId?: string;
  /** How often this node heartbeats, in milliseconds. Default `DEFAULT_HEARTBEAT_MS`. */
  heartbeatMs?: number;
  /** A node silent for this long is down, in milliseconds. Default `DEFAULT_DEAD_AFTER_MS`. */
  deadAfterMs?: number;
  /** Told about handler failures, reconnects and misconfiguration. */
  log?: Logger;
}

/** A fresh node id: the host name (for logs) and a random part (unique per process). */
export function randomNodeId(): string {
  return `${hostname()}-${randomBytes(4).toString('hex')}`;
}

/** The Bus, given a transport. */
export class ClusterBus implements Bus, AcceptsBusMeter {
  readonly nodeId: string;
  /** This bus object: tells this node's own messages (and a second process misusing its id) apart. */
  private readonly inst = randomBytes(8).toString('hex');
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private lastTick = Date.now();
  private readonly membership: Membership;
  private readonly pending = new PendingRequests();
  private readonly log: Logger | undefined;
  private readonly handlers = new Set<BusHandler>();
  private meter: BusMeter = NO_BUS_METER;
  private readonly responders = new Map<string, Responder>();
  private readonly controlHandlers = new Map<string, Listeners<[ControlMessage]>>();
  private readonly upHandlers = new Listeners<[string]>();
  private readonly downHandlers = new Listeners<[string]>();
  private readonly reconnectHandlers = new Listeners<[]>();
  private readonly counters: BusStats = { dropped: 0, reconnects: 0, lagMs: null };
  private readonly ticker: NodeJS.Timeout;
  /** Other instances seen heartbeating under this node's id (logged once each). */
  private readonly twins = new Set<string>();
  private nextRequest = 0;
  private everUp = false;
  private closed = false;

  constructor(
    private readonly transport: BusTransport,
    options: ClusterBusOptions = {},
  ) {
    this.nodeId = options.nodeId ?? randomNodeId();
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.deadAfterMs = options.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS;
    this.membership = new Membership(this.nodeId, this.deadAfterMs);
    this.log = options.log;
    this.ticker = setInterval(() => this.tick(), this.heartbeatMs);
    // Heartbeats must never keep a process alive on their own.
    this.ticker.unref();
    const sink: TransportSink = {
      envelope: (text) => this.transportOnEnvelope(text),
      control: (text) => this.transportOnControl(text),
      up: () => this.transportOnUp(),
      down: () => this.transportOnDown(),
      dropped: () => void this.counters.dropped++,
    };
    transport.start(this.nodeId, sink);
  }

  // --- frames --------------------------------------------------------------------------------

  /** Sends to the other nodes (dropped and counted while down), then delivers here at once. */
  publish(envelope: Envelope): void {
    if (this.closed) return;
    // A single node serialises nothing here: its connections' registry does, only for frames someone receives.
    if (this.transport.alone()) return this.deliver(envelope);
    if (!this.transport.isUp()) {
      this.counters.dropped++;
      return this.deliver(envelope);
    }
    const frameJson = envelope.frameJson ?? JSON.stringify(envelope.frame);
    // Sent before the local handlers run: an envelope they publish in turn then follows this one everywhere.
    if (!this.transport.sendEnvelope(encodeEnvelope(this.inst, envelope, frameJson, Date.now()))) this.counters.dropped++;
    this.deliver(envelope.frameJson === undefined ? { ...envelope, frameJson } : envelope);
  }

  /** Reports bus lag and reconnects to the relay's metrics (called once, at start). */
  attachMeter(meter: BusMeter): void {
    this.meter = meter;
  }

  /** Adds an envelope handler; returns the function that removes it. */
  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  // --- control -------------------------------------------------------------------------------

  /** Sends a control message to `to`, or to every node (this one at once). */
  send(kind: string, body: Json, to?: string): void {
    if (this.closed) return;
    const text = encodeControl({ op: 'msg', node: this.nodeId, inst: this.inst, kind, body });
    // This node gets the body as every other node does: as JSON, never the sender's own object.
    if (to === undefined || to === this.nodeId) this.dispatch({ kind, from: this.nodeId, body: asJson(body) });
    if (to !== this.nodeId) this.emitText(text, to);
  }

  /** Adds a handler for control messages of `kind`. */
  onControl<B extends Json = Json>(kind: string, handler: ControlHandler<B>): () => void {
    let listeners = this.controlHandlers.get(kind);
    if (listeners === undefined) this.controlHandlers.set(kind, (listeners = new Listeners()));
    const remove = listeners.add(handler as ControlHandler);
    return () => {
      remove();
      if (listeners.empty && this.controlHandlers.get(kind) === listeners) this.controlHandlers.delete(kind);
    };
  }

  // --- request/reply -------------------------------------------------------------------------

  /** Asks `options.to`, or every live node; see `Bus.request`. */
  request<R extends Json = Json>(kind: string, body: Json, options: RequestOptions = {}): Promise<RequestResult<R>> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const targets = options.to === undefined ? this.membership.live() : [options.to];
    if (this.closed) return Promise.resolve({ replies: [], missing: targets });
    const id = `${this.inst}:${this.nextRequest++}`;
    const remote = targets.filter((node) => node !== this.nodeId);
    const reachable = remote.length > 0 && this.emit({ op: 'req', node: this.nodeId, inst: this.inst, id, kind, body }, options.to);
    const asked = targets.filter((node) => node === this.nodeId || reachable);
    const result = this.pending.open(id, asked, reachable ? [] : remote, timeoutMs);
    if (targets.includes(this.nodeId)) void this.answer(kind, asJson(body), this.nodeId, id);
    return result as Promise<RequestResult<R>>;
  }

  /** Sets the responder of `kind` on this node; a second one for the same kind is a mistake. */
  respond<B extends Json = Json, R extends Json = Json>(kind: string, responder: Responder<B, R>): () => void {
    if (this.responders.has(kind)) throw new Error(`a responder for bus requests of kind "${kind}" is already registered`);
    // Bodies are what the sender promised (see `ControlHandler`): the cast only widens.
    const stored = responder as unknown as Responder;
    this.responders.set(kind, stored);
    return () => {
      if (this.responders.get(kind) === stored) this.responders.delete(kind);
    };
  }

  // --- membership and connection -------------------------------------------------------------

  /** True when the transport reaches no other node (a MemoryBus of its own). */
  alone(): boolean {
    return this.transport.alone();
  }

  /** The live nodes, this one included, sorted; none once closed. */
  nodes(): string[] {
    return this.closed ? [] : this.membership.live();
  }

  /** Adds a handler for nodes that appear. */
  onNodeUp(handler: (nodeId: string) => void): () => void {
    return this.upHandlers.add(handler);
  }

  /** Adds a handler for nodes that go down. */
  onNodeDown(handler: (nodeId: string) => void): () => void {
    return this.downHandlers.add(handler);
  }

  /** Whether the transport reaches the other nodes. */
  isUp(): boolean {
    return !this.closed && this.transport.isUp();
  }

  /** Adds a handler run after each reconnect. */
  onReconnect(handler: () => void | Promise<void>): () => void {
    return this.reconnectHandlers.add(handler);
  }

  /** Counters since the bus opened. */
  stats(): BusStats {
    return { ...this.counters };
  }

  /** Says goodbye, answers every waiting request with what it has, and disconnects. */
  close(): Promise<void> {
    return this.stop(true);
  }

  /**
   * Disconnects without a goodbye, as if the process died: the other nodes notice when its
   * heartbeats stop. For tests of node failure.
   */
  abandon(): Promise<void> {
    return this.stop(false);
  }

  private async stop(goodbye: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    this.pending.finishAll();
    this.handlers.clear();
    this.controlHandlers.clear();
    this.responders.clear();
    this.upHandlers.clear();
    this.downHandlers.clear();
    this.reconnectHandlers.clear();
    await this.transport.close(goodbye ? encodeControl({ op: 'bye', node: this.nodeId, inst: this.inst }) : undefined);
  }

  // --- internals -----------------------------------------------------------------------------

  /** Heartbeats and sweeps, while connected: cut off, the others' silence says nothing. */
  private tick(): void {
    const now = Date.now();
    // This tick comes late when the event loop stalled: the others' heartbeats of meanwhile are
    // still unread in the socket, so their silence says nothing; they get a full period again.
    if (now - this.lastTick > this.deadAfterMs / 2) this.membership.forgive(now);
    this.lastTick = now;
    if (this.closed || !this.transport.isUp()) return;
    this.transport.sendControl(encodeControl({ op: 'hb', node: this.nodeId, inst: this.inst, at: now }));
    for (const node of this.membership.sweep(now)) {
      this.log?.info('bus node down: no heartbeat', { nodeId: node });
      this.nodeDown(node);
    }
  }

  private transportOnUp(): void {
    if (this.closed) return;
    this.membership.forgive(Date.now());
    // `join` asks every node to heartbeat back at once, so this one knows the cluster now.
    this.transport.sendControl(encodeControl({ op: 'hb', node: this.nodeId, inst: this.inst, join: true }));
    if (!this.everUp) {
      this.everUp = true;
      return;
    }
    this.counters.reconnects++;
    this.meter.reconnected();
    this.log?.info('bus connection regained', { nodeId: this.nodeId });
    this.reconnectHandlers.emit([], (error) => this.handlerFailed('reconnect', error));
  }

  private transportOnDown(): void {
    if (this.closed) return;
    this.log?.error('bus connection lost', { nodeId: this.nodeId });
    // Replies cannot arrive while cut off: requests stop waiting for the other nodes.
    for (const node of this.membership.others()) this.pending.nodeDown(node);
  }

  private transportOnEnvelope(text: string): void {
    if (this.closed) return;
    const received = decodeEnvelope(text);
    if (received === null || received.inst === this.inst) return;
    // Clocks of two machines differ a little: a negative lag is no lag.
    if (received.sentAt !== null) this.meter.lag(Math.max(0, Date.now() - received.sentAt) / 1000);
    this.deliver(received.envelope);
  }

  private transportOnControl(text: string): void {
    if (this.closed) return;
    const message = decodeControl(text);
    if (message === null) return;
    if (message.inst === this.inst) {
      // This node's own heartbeat, back through the bus: how long the round trip took.
      if (message.op === 'hb' && typeof message.at === 'number') this.counters.lagMs = Date.now() - message.at;
      return;
    }
    switch (message.op) {
      case 'hb':
        return this.heard(message.node, message.inst, message.join === true);
      case 'bye':
        if (this.membership.left(message.node, message.inst)) {
          this.log?.info('bus node left', { nodeId: message.node });
          this.nodeDown(message.node);
        }
        return;
      case 'msg':
        return this.dispatch({ kind: message.kind, from: message.node, body: message.body });
      case 'req':
        return void this.answer(message.kind, message.body, message.node, message.id);
      case 'res':
        return this.pending.reply(message.id, message.node, 'error' in message ? { error: message.error } : { body: message.body });
    }
  }

  private heard(node: string, inst: string, join: boolean): void {
    if (node === this.nodeId) {
      if (this.twins.has(inst)) return;
      this.twins.add(inst);
      this.log?.error('another bus instance uses this node id: give each relay node its own PARLEY_NODE_ID', { nodeId: node });
      return;
    }
    const change = this.membership.heard(node, inst, Date.now());
    if (change === 'restarted') {
      // Whatever the old process owned is gone: down handlers run with it out of `nodes()`.
      this.log?.info('bus node restarted', { nodeId: node });
      this.membership.left(node, inst);
      this.nodeDown(node);
      this.membership.heard(node, inst, Date.now());
    }
    if (change !== 'known') this.nodeUp(node);
    // A joining node (or one new to us) learns of this node now, not a heartbeat later.
    if (join || change !== 'known') this.transport.sendControl(encodeControl({ op: 'hb', node: this.nodeId, inst: this.inst }), node);
  }

  private nodeUp(node: string): void {
    this.log?.info('bus node up', { nodeId: node });
    this.upHandlers.emit([node], (error) => this.handlerFailed('node up', error));
  }

  private nodeDown(node: string): void {
    this.pending.nodeDown(node);
    this.downHandlers.emit([node], (error) => this.handlerFailed('node down', error));
  }

  /** Runs this node's responder of `kind` and sends the reply to `from` (or records it, when from here). */
  private async answer(kind: string, body: Json, from: string, id: string): Promise<void> {
    const responder = this.responders.get(kind);
    let reply: { body: Json } | { error: string };
    if (responder === undefined) {
      reply = { error: `no responder for "${kind}" on node ${this.nodeId}` };
    } else {
      try {
        reply = { body: asJson(await responder(body, from)) };
      } catch (error) {
        reply = { error: error instanceof Error ? error.message : String(error) };
      }
    }
    if (from === this.nodeId) return this.pending.reply(id, this.nodeId, reply);
    if (this.closed) return;
    this.emit({ op: 'res', node: this.nodeId, inst: this.inst, id, ...reply }, from);
  }

  /** Hands an envelope to every local handler; one handler's failure does not stop the others. */
  private deliver(envelope: Envelope): void {
    for (const handler of this.handlers) {
      try {
        handler(envelope);
      } catch (error) {
        this.handlerFailed('envelope', error);
      }
    }
  }

  private dispatch(message: ControlMessage): void {
    this.controlHandlers.get(message.kind)?.emit([message], (error) => this.handlerFailed(`control ${message.kind}`, error));
  }

  /** Sends control to the other nodes; counts a drop. True when sent. */
  private emit(message: ControlWire, to?: string): boolean {
    return this.emitText(encodeControl(message), to);
  }

  private emitText(text: string, to?: string): boolean {
    const sent = this.transport.sendControl(text, to);
    if (!sent) this.counters.dropped++;
    return sent;
  }

  private handlerFailed(what: string, error: unknown): void {
    this.log?.error(`bus ${what} handler failed`, { error: error instanceof Error ? error.message : String(error) });
  }
}

/** `value` as it comes out of a JSON round trip (what another node would receive); throws when it cannot be JSON. */
function asJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value) ?? 'null') as Json;
}
