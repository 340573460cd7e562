/**
 * The WebSocket side of the relay: takes HTTP upgrades, refuses bad ones with an HTTP status
 * before a WebSocket exists, and runs accepted sockets as `Connection`s with one shared
 * heartbeat. Closing it ends every connection with 1001 after their frames in flight finish.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocketServer } from 'ws';
import type { Limits } from '@parley/protocol';
import type { Broker } from '../broker/broker.js';
import type { Logger } from '../log.js';
import { Connection } from './connection.js';
import { Heartbeat } from './heartbeat.js';
import { authorizeUpgrade, type UpgradeAuthDeps } from './upgrade-auth.js';

/** What the socket server needs. */
export interface SocketServerDeps extends UpgradeAuthDeps {
  broker: Broker;
  limits: Limits;
  log: Logger;
}

/** How long a graceful shutdown waits for peers to finish the closing handshake. */
const SHUTDOWN_WAIT_MS = 3000;

/** Accepts and runs client WebSockets. */
export class SocketServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly heartbeat: Heartbeat;
  private readonly deps: SocketServerDeps;
  private closing = false;

  constructor(deps: SocketServerDeps) {
    this.deps = deps;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.heartbeat = new Heartbeat(deps.limits.heartbeatMs);
    this.heartbeat.start();
  }

  /** Number of open connections. */
  get size(): number {
    return this.connections.size;
  }

  /** The HTTP server's `upgrade` handler. */
  serverOnUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The socket may die while the token is checked; that must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    if (this.closing) return refuse(socket, 503, 'Shutting down');
    authorizeUpgrade(req, this.deps).then(
      (decision) => {
        if (!decision.ok) return refuse(socket, decision.status, decision.reason);
        if (socket.destroyed || this.closing) return socket.destroy();
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          const connection = new Connection(ws, decision.identity, this.deps);
          this.connections.add(connection);
          this.heartbeat.add(connection);
          void connection.closed.then(() => {
            this.connections.delete(connection);
            this.heartbeat.delete(connection);
          });
        });
      },
      (error: unknown) => {
        this.deps.log.error('upgrade check failed', { error });
        refuse(socket, 500, 'Internal error');
      },
    );
  }

  /** Closes every connection with 1001 and waits for them (bounded). */
  async close(): Promise<void> {
    this.closing = true;
    this.heartbeat.stop();
    const all = [...this.connections];
    for (const connection of all) connection.closeWith('shutting_down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all.map((c) => c.closed)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    for (const connection of all) connection.terminate();
    await Promise.all(all.map((c) => c.idle()));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** Answers an upgrade with an HTTP error and closes the socket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
}
