/**
 * The WebSocket side of the relay: takes HTTP upgrades, refuses bad ones with an HTTP status
 * before a WebSocket exists, and runs accepted sockets as `Connection`s with one shared
 * heartbeat. Closing it ends every connection with 1001 after their frames in flight finish;
 * draining it ends them with 1012 after every frame they had sent is handled and acknowledged.
 *
 * Nothing made while deciding an upgrade outlives it: the upgrade request, its headers and
 * the `head` buffer are referenced only by callbacks that run once, so an idle connection
 * keeps just its `ws` socket, its `Connection` and the broker's session.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type Server } from 'ws';
import type { Limits } from '@parley/protocol';
import type { Broker } from '../broker/broker.js';
import { admittedKey } from '../edge/connection-gate.js';
import type { PeerIdentity } from '../broker/session.js';
import type { Logger } from '../log.js';
import type { RelayMetrics, UpgradeRefusal } from '../metrics/relay-metrics.js';
import { isStoreUnavailable, logStoreUnavailable, STORE_RETRY_AFTER_S } from '../storage/store-unavailable.js';
import { ClientSocket } from './client-socket.js';
import { Connection, type ConnectionDeps } from './connection.js';
import { Heartbeat } from './heartbeat.js';
import { SessionSweep } from './session-sweep.js';
import { authorizeUpgrade, type UpgradeAuthDeps } from './upgrade-auth.js';

/** What the socket server needs. */
export interface SocketServerDeps extends UpgradeAuthDeps {
  broker: Broker;
  limits: Limits;
  log: Logger;
  /** Time between checks of agent connections' sessions against the store (see `SessionSweep`). */
  agentSessionCheckMs: number;
  /** See `RelayOptions.lateCobrowseFrames`. */
  lateCobrowseFrames: number;
  metrics: RelayMetrics;
}

/** How long a graceful shutdown waits for peers to finish the closing handshake. */
const SHUTDOWN_WAIT_MS = 3000;
/** How long a drain past its deadline still waits for the writes of frames being handled. */
const DRAIN_WRITES_GRACE_MS = 1000;

/** Accepts and runs client WebSockets. */
export class SocketServer {
  private readonly wss: Server<typeof ClientSocket>;
  /** Open connections; the heartbeat walks this same set. */
  private readonly connections = new Set<Connection>();
  private readonly heartbeat: Heartbeat;
  private readonly sessionSweep: SessionSweep;
  private readonly deps: SocketServerDeps;
  /** Shared by every connection. */
  private readonly connectionDeps: ConnectionDeps;
  private closing = false;
  /** Set while a shutdown waits for the last connection to go. */
  private drained: (() => void) | null = null;

  constructor(deps: SocketServerDeps) {
    this.deps = deps;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxFrameBytes,
      // Compression would keep zlib state per socket (up to hundreds of KiB each).
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: ClientSocket,
    });
    // Not a WebSocket handshake (after a valid token): answered here so that it is counted.
    this.wss.on('wsClientError', (error: Error, socket: Duplex) => {
      this.deps.metrics.upgradeRefused('bad_request');
      refuse(socket, error.message === 'Invalid HTTP method' ? 405 : 400, error.message);
    });
    this.connectionDeps = {
      broker: deps.broker,
      limits: deps.limits,
      log: deps.log,
      lateCobrowseFrames: deps.lateCobrowseFrames,
      forget: (connection) => this.connectionOnForget(connection),
      metrics: deps.metrics,
      draining: false,
    };
    this.heartbeat = new Heartbeat(deps.limits.heartbeatMs, this.connections);
    this.heartbeat.start();
    this.sessionSweep = new SessionSweep(deps.storage, this.connections, deps.agentSessionCheckMs, deps.log);
    this.sessionSweep.start();
  }

  /** Closes at once the connections of agent sessions just ended (a sign-out on this node). */
  sweepAgentSessions(): Promise<void> {
    return this.sessionSweep.sweepSoon();
  }

  /** Number of open connections. */
  get size(): number {
    return this.connections.size;
  }

  /** The HTTP server's `upgrade` handler. */
  serverOnUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The socket may die while the token is checked; that must not become an uncaught error.
    socket.on('error', socketOnUpgradeError);
    if (this.closing) return this.refuse(socket, 'draining', 503, this.connectionDeps.draining ? 'Restarting; connect to another node' : 'Shutting down');
    // Node's HTTP servers hand over a net.Socket (TLS included); the heartbeat reads its byte count.
    if (!(socket instanceof Socket)) return this.refuse(socket, 'internal', 500, 'Unsupported transport');
    authorizeUpgrade(req, this.deps).then(
      (decision) => {
        if (!decision.ok) return this.refuse(socket, REFUSAL_OF_STATUS[decision.status], decision.status, decision.reason);
        if (socket.destroyed) return socket.destroy();
        if (this.closing) {
          this.deps.metrics.upgradeRefused('draining');
          return socket.destroy();
        }
        this.accept(req, socket, head, decision.identity);
      },
      (error: unknown) => {
        // The token could not be checked against the store: not the client's fault, and a later try may pass.
        if (isStoreUnavailable(error)) {
          logStoreUnavailable(this.deps.log, 'upgrade', error);
          return refuse(socket, 503, 'The database is unreachable; retry shortly', RETRY_AFTER);
        }
        this.deps.log.error('upgrade check failed', { error });
        this.refuse(socket, 'internal', 500, 'Internal error');
      },
    );
  }

  /** Closes every connection with 1001 and waits for them (bounded). */
  async close(): Promise<void> {
    this.closing = true;
    this.heartbeat.stop();
    this.sessionSweep.stop();
    const all = [...this.connections];
    for (const connection of all) connection.closeWith('shutting_down');
    if (this.connections.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
      });
      clearTimeout(timer);
      this.drained = null;
    }
    for (const connection of all) connection.terminate();
    await Promise.all(all.map((c) => c.idle()));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /**
   * Drains the node: new upgrades are refused (503), connections stop taking frames, and each
   * one, once the frames it had sent are handled (acks sent), is told to reconnect elsewhere
   * (`draining`, close 1012). Waits for them to close, at most `timeoutMs` in all; then drops
   * what is left, and waits for the frames still being handled to finish their writes.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.closing = true;
    this.connectionDeps.draining = true;
    this.heartbeat.stop();
    this.sessionSweep.stop();
    const deadline = Date.now() + timeoutMs;
    const all = [...this.connections];
    for (const connection of all) {
      // The close handshake may use the rest of the drain (a peer slow to answer still gets its
      // close); a peer that has not answered by the deadline is dropped below, not by this timer.
      void connection.idle().then(() => connection.closeWith('draining', undefined, Math.max(0, deadline - Date.now()) + DRAIN_WRITES_GRACE_MS));
    }
    await this.allForgotten(deadline - Date.now());
    let left = 0;
    for (const connection of all) {
      if (!this.connections.has(connection)) continue;
      left++;
      connection.closeWith('draining', undefined, 0);
      connection.terminate();
    }
    if (left > 0) this.deps.log.info('drain timed out; remaining connections dropped', { connections: left, timeoutMs });
    // Writes in flight finish (their acks are lost with the socket, which the client's outbox
    // repairs) and the broker forgets each session, within a last second at most: a store that
    // hangs must not hold the exit.
    if (!(await this.allForgotten(Math.max(deadline - Date.now(), DRAIN_WRITES_GRACE_MS)))) {
      this.deps.log.error('drain ended with frames still being handled', { connections: this.connections.size });
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Resolves true once no connection is left, or false after `ms`. */
  private async allForgotten(ms: number): Promise<boolean> {
    if (this.connections.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      timer = setTimeout(resolve, Math.max(0, ms));
    });
    clearTimeout(timer);
    this.drained = null;
    return this.connections.size === 0;
  }

  /** Completes an authorized upgrade and starts its connection. */
  private accept(req: IncomingMessage, socket: Socket, head: Buffer, identity: PeerIdentity): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // From here `ws` handles socket errors.
      socket.off('error', socketOnUpgradeError);
      // Visitors' page views and events are also limited per client address (see `activity-limiter.ts`).
      if (identity.role === 'visitor') identity.address = admittedKey(socket);
      this.connections.add(new Connection(ws, socket, identity, this.connectionDeps));
      this.deps.metrics.connected(identity.role);
    });
  }

  /** Answers a refused upgrade and counts it by reason. */
  private refuse(socket: Duplex, reason: UpgradeRefusal, status: number, message: string): void {
    this.deps.metrics.upgradeRefused(reason);
    refuse(socket, status, message);
  }

  private connectionOnForget(connection: Connection): void {
    if (this.connections.delete(connection)) this.deps.metrics.disconnected(connection.role);
    if (this.connections.size === 0) this.drained?.();
  }
}

/** The reason counted for each status `authorizeUpgrade` refuses with. */
const REFUSAL_OF_STATUS: Record<400 | 401 | 403 | 404, UpgradeRefusal> = { 400: 'bad_request', 401: 'token', 403: 'origin', 404: 'not_found' };

/** Shared by every pending upgrade, so that no closure holds the request while it waits. */
function socketOnUpgradeError(this: Duplex): void {
  this.destroy();
}

/** The header of an upgrade refused because the store is unreachable: try again in a few seconds. */
const RETRY_AFTER = `Retry-After: ${STORE_RETRY_AFTER_S}\r\n`;

/** Answers an upgrade with an HTTP error (and any `extraHeaders`, each ending in CRLF) and closes the socket. */
function refuse(socket: Duplex, status: number, reason: string, extraHeaders = ''): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      extraHeaders +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
}
