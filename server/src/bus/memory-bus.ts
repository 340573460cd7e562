/**
 * The in-process Bus. `new MemoryBus()` is the single relay node's bus: publishing calls every
 * subscriber synchronously, so a frame reaches local connections in the order it was published.
 *
 * A `MemoryBusHub` joins several MemoryBus nodes in one process, so tests run two and three
 * brokers on one bus with the semantics of Redis: messages between nodes travel as text (the
 * same encoding as Redis) and arrive asynchronously, in send order per sender; membership,
 * control and request/reply are the same code (`ClusterBus`); and `hub.down()` / `hub.up()`
 * play nodes losing and regaining their Redis (all of them, or the ones named).
 */
import type { BusTransport, TransportSink } from './bus-transport.js';
import { ClusterBus, type ClusterBusOptions } from './cluster-bus.js';

/** MemoryBus settings: those of every bus, and the hub to join. */
export interface MemoryBusOptions extends ClusterBusOptions {
  /** The hub shared with other nodes; default a hub of its own (a single node). */
  hub?: MemoryBusHub;
}

/** A MemoryBus node: a ClusterBus on an in-process hub. */
export class MemoryBus extends ClusterBus {
  constructor(options: MemoryBusOptions = {}) {
    const { hub = new MemoryBusHub(), ...rest } = options;
    super(hub.transport(), rest);
  }
}

/** One node's link to the hub. */
class HubLink implements BusTransport {
  nodeId = '';
  sink: TransportSink | null = null;
  cut = false;

  constructor(private readonly hub: MemoryBusHub) {}

  start(nodeId: string, sink: TransportSink): void {
    this.nodeId = nodeId;
    this.sink = sink;
    this.hub.attach(this);
  }

  alone(): boolean {
    return this.hub.size() === 1;
  }

  isUp(): boolean {
    return this.sink !== null && !this.cut;
  }

  sendEnvelope(text: string): boolean {
    return this.isUp() && this.hub.carry(this, (sink) => sink.envelope(text));
  }

  sendControl(text: string, to?: string): boolean {
    return this.isUp() && this.hub.carry(this, (sink) => sink.control(text), to);
  }

  async close(lastWords?: string): Promise<void> {
    if (lastWords !== undefined) this.sendControl(lastWords);
    this.hub.detach(this);
    this.sink = null;
  }
}

/** Several MemoryBus nodes in one process, connected as Redis would connect them. */
export class MemoryBusHub {
  private readonly links = new Set<HubLink>();
  private reachable = true;

  /** A new node on this hub, named `nodeId` (random when absent). */
  connect(nodeId?: string, options: ClusterBusOptions = {}): MemoryBus {
    return new MemoryBus({ ...options, ...(nodeId === undefined ? {} : { nodeId }), hub: this });
  }

  /**
   * Cuts nodes off, as a Redis that went away (no ids: every node, and nodes that join until
   * `up()`): their sends are dropped, nothing reaches them.
   */
  down(...nodeIds: string[]): void {
    if (nodeIds.length === 0) this.reachable = false;
    for (const link of this.select(nodeIds)) {
      if (link.cut) continue;
      link.cut = true;
      link.sink?.down();
    }
  }

  /** Reconnects nodes (no ids: every node); each runs its `onReconnect` handlers. */
  up(...nodeIds: string[]): void {
    if (nodeIds.length === 0) this.reachable = true;
    for (const link of this.select(nodeIds)) {
      if (!link.cut) continue;
      link.cut = false;
      link.sink?.up();
    }
  }

  /** @internal A transport for a new MemoryBus. */
  transport(): BusTransport {
    return new HubLink(this);
  }

  /** @internal */
  attach(link: HubLink): void {
    this.links.add(link);
    link.cut = !this.reachable;
    if (link.cut) link.sink?.down();
    else link.sink?.up();
  }

  /** @internal */
  detach(link: HubLink): void {
    this.links.delete(link);
  }

  /** @internal The nodes on the hub. */
  size(): number {
    return this.links.size;
  }

  /**
   * @internal Hands text to every other node (or to node `to`) after the current task: queued
   * microtasks run in order, so a sender's messages arrive in the order it sent them.
   */
  carry(from: HubLink, hand: (sink: TransportSink) => void, to?: string): boolean {
    for (const link of this.links) {
      if (link === from || (to !== undefined && link.nodeId !== to)) continue;
      queueMicrotask(() => {
        // Cut off or gone since: like a subscriber that dropped, it misses the message.
        if (link.sink !== null && !link.cut) hand(link.sink);
      });
    }
    return true;
  }

  private select(nodeIds: string[]): HubLink[] {
    return [...this.links].filter((link) => nodeIds.length === 0 || nodeIds.includes(link.nodeId));
  }
}
