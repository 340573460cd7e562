/**
 * Admission of WebSocket upgrades before any WebSocket exists: at most `maxConnections`
 * sockets in all and `maxConnectionsPerIp` from one client address, counting upgrades still
 * being checked as well as open connections (a flood of slow upgrades is a flood too).
 * Refusals are plain HTTP answers: 503 when the relay is full, 429 when one address holds
 * too many.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { clientKey } from './client-ip.js';

/** What the gate enforces. */
export interface ConnectionGateOptions {
  maxConnections: number;
  maxConnectionsPerIp: number;
  trustProxyHops: number;
}

/** Where an admitted socket keeps its client key until it closes. */
const GATE_KEY = Symbol('parley.gateKey');

type GatedSocket = Duplex & { [GATE_KEY]?: string };

/** Counts admitted upgrade sockets, per client address and in all. */
export class ConnectionGate {
  private readonly perIp = new Map<string, number>();
  /** What other relay nodes hold per address (`shared-limits.ts`): address -> node -> sockets. */
  private readonly elsewhere = new Map<string, Map<string, number>>();
  /** Told of this node's new count for an address each time it changes. */
  onHeld: ((key: string, held: number) => void) | null = null;
  /** Told of each refusal: `full` (503) or `address_limit` (429). */
  onRefused: ((reason: 'full' | 'address_limit') => void) | null = null;
  private total = 0;
  private readonly options: ConnectionGateOptions;
  /** One listener shared by every admitted socket: no closure per connection. */
  private readonly socketOnClose: (this: GatedSocket) => void;

  constructor(options: ConnectionGateOptions) {
    this.options = options;
    const gate = this;
    this.socketOnClose = function socketOnClose(this: GatedSocket): void {
      const key = this[GATE_KEY];
      if (key !== undefined) gate.release(key);
      this[GATE_KEY] = undefined;
    };
  }

  /** Sockets admitted and not yet closed. */
  get size(): number {
    return this.total;
  }

  /**
   * Admits the upgrade's socket (true) or answers it with 503/429 and closes it (false). An
   * admitted socket is released when it closes, whatever happens to the upgrade after this.
   */
  admit(req: IncomingMessage, socket: Duplex): boolean {
    if (this.total >= this.options.maxConnections) {
      refuseUpgrade(socket, 503, 'Too many connections', { 'Retry-After': '10' });
      this.onRefused?.('full');
      return false;
    }
    const key = clientKey(req, this.options.trustProxyHops);
    const held = this.perIp.get(key) ?? 0;
    if (held + this.heldElsewhere(key) >= this.options.maxConnectionsPerIp) {
      refuseUpgrade(socket, 429, 'Too many connections from this address', { 'Retry-After': '10' });
      this.onRefused?.('address_limit');
      return false;
    }
    this.perIp.set(key, held + 1);
    this.onHeld?.(key, held + 1);
    this.total += 1;
    (socket as GatedSocket)[GATE_KEY] = key;
    socket.on('close', this.socketOnClose);
    return true;
  }

  /** This node's sockets per address, for another node that needs all of it. */
  heldHere(): Map<string, number> {
    return new Map(this.perIp);
  }

  /** Another relay node now holds `held` sockets from `key`. */
  setElsewhere(node: string, key: string, held: number): void {
    let nodes = this.elsewhere.get(key);
    if (held > 0) {
      if (nodes === undefined) this.elsewhere.set(key, (nodes = new Map()));
      nodes.set(node, held);
    } else if (nodes !== undefined) {
      nodes.delete(node);
      if (nodes.size === 0) this.elsewhere.delete(key);
    }
  }

  /** Forgets what a node held (it went down, or sent all of it again). */
  forgetElsewhere(node: string): void {
    for (const [key, nodes] of this.elsewhere) {
      nodes.delete(node);
      if (nodes.size === 0) this.elsewhere.delete(key);
    }
  }

  private heldElsewhere(key: string): number {
    const nodes = this.elsewhere.get(key);
    if (nodes === undefined) return 0;
    let sum = 0;
    for (const held of nodes.values()) sum += held;
    return sum;
  }

  private release(key: string): void {
    this.total -= 1;
    const held = (this.perIp.get(key) ?? 1) - 1;
    if (held <= 0) this.perIp.delete(key);
    else this.perIp.set(key, held);
    this.onHeld?.(key, Math.max(0, held));
  }
}

/**
 * The client key (see `client-ip.ts`) the gate admitted a socket under, while it is open; null
 * for a socket that did not pass the gate. Later per-address limits read it from here rather
 * than working it out again.
 */
export function admittedKey(socket: Duplex): string | null {
  return (socket as GatedSocket)[GATE_KEY] ?? null;
}

/** Answers an upgrade request with an HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      extra +
      '\r\n' +
      body,
  );
}
