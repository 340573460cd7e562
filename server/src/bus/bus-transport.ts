/**
 * What a bus backend provides: three ways to move text between nodes (envelopes to all,
 * control to all, control to one node) and word of its connection state. Everything else
 * (membership, control routing, request/reply, local delivery, drop counting) lives once in
 * `ClusterBus`, so the in-process hub and Redis behave alike by construction.
 */

/** Where a transport hands what it receives and what happened to its connection. */
export interface TransportSink {
  /** Text published with `sendEnvelope` by any node (possibly this one). */
  envelope(text: string): void;
  /** Text sent with `sendControl` to every node or to this one. */
  control(text: string): void;
  /** The transport (re)connected and receives everything from now on. */
  up(): void;
  /** The transport lost its connection. */
  down(): void;
  /** A send accepted earlier failed after all. */
  dropped(): void;
}

/** A bus backend. */
export interface BusTransport {
  /** Starts connecting as node `nodeId` (its directed messages come to it); reports to `sink` from now on. */
  start(nodeId: string, sink: TransportSink): void;
  /**
   * True when there is certainly no other node to send to (an in-process hub with this node
   * only): the bus then skips encoding. A networked transport cannot know, so says false.
   */
  alone(): boolean;
  /** True while sends reach the other nodes. */
  isUp(): boolean;
  /** Sends envelope text to every node, in call order with `sendControl`; false when dropped (down). */
  sendEnvelope(text: string): boolean;
  /** Sends control text to node `to`, or to every node; false when dropped (down). */
  sendControl(text: string, to?: string): boolean;
  /**
   * Disconnects. `lastWords`, when given, is sent to every node as control text first (the
   * goodbye); without it the node vanishes as if its process died.
   */
  close(lastWords?: string): Promise<void>;
}
