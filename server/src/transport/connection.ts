/**
 * One client WebSocket after a successful upgrade: the hello deadline and version check, frame
 * validation, the per-connection rate limit, error counting, liveness for the heartbeat, and
 * cutting a slow consumer. Frames of one connection are handled one at a time, in order; a
 * failure in one frame becomes an `error` frame and never reaches another connection.
 */
import { nanoid } from 'nanoid';
import type { WebSocket, RawData } from 'ws';
import {
  ERROR_CATALOG,
  PROTOCOL_VERSION,
  ParleyError,
  parseClientFrame,
  type ClientFrame,
  type ErrorCode,
  type Limits,
  type ServerFrame,
} from '@parley/protocol';
import type { Broker } from '../broker/broker.js';
import type { PeerIdentity, PeerLink, Session } from '../broker/session.js';
import type { Logger } from '../log.js';
import type { HeartbeatPeer } from './heartbeat.js';
import { TokenBucket } from './token-bucket.js';

/** What a connection needs from the relay. */
export interface ConnectionDeps {
  broker: Broker;
  limits: Limits;
  log: Logger;
}

/** How long a socket closed by the relay may take to finish the closing handshake. */
const CLOSE_GRACE_MS = 2000;

/** A client connection. */
export class Connection implements PeerLink, HeartbeatPeer {
  readonly id = nanoid();
  lastSeen = Date.now();
  private readonly ws: WebSocket;
  private readonly deps: ConnectionDeps;
  private readonly session: Session;
  private readonly bucket: TokenBucket;
  private helloTimer: NodeJS.Timeout | null;
  private helloSeen = false;
  private errors = 0;
  private limited = false;
  private closing = false;
  private tail: Promise<void> = Promise.resolve();
  /** Resolves once the socket closed and the broker forgot the session. */
  readonly closed: Promise<void>;

  constructor(ws: WebSocket, identity: PeerIdentity, deps: ConnectionDeps) {
    this.ws = ws;
    this.deps = deps;
    this.session = deps.broker.connect(this, identity);
    this.bucket = new TokenBucket(deps.limits.framesPerSecond, deps.limits.frameBurst);
    this.helloTimer = setTimeout(() => this.closeWith('hello_timeout'), deps.limits.helloTimeoutMs);
    this.closed = new Promise((resolve) => {
      ws.on('close', () => {
        this.socketOnClose();
        // Frames already being handled finish first (their acks are lost, their writes are not).
        void this.tail.then(() => deps.broker.disconnect(this.session)).catch((error: unknown) => {
          deps.log.error('disconnect failed', { error });
        }).then(resolve);
      });
    });
    ws.on('message', (data, isBinary) => this.socketOnMessage(data, isBinary));
    ws.on('pong', () => this.socketOnPong());
    ws.on('error', (error) => this.socketOnError(error));
  }

  /** Sends a frame; cuts the connection when the client stopped reading. */
  send(frame: ServerFrame): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(frame));
    if (this.ws.bufferedAmount > this.deps.limits.maxBufferedBytes) this.closeWith('slow_consumer');
  }

  /** Heartbeat ping. */
  ping(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  /** Drops the socket at once (a dead peer, or one that did not finish closing). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Resolves when every frame received so far has been handled. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Sends the error of `code` and closes with its close code. */
  closeWith(code: ErrorCode, message: string = ERROR_CATALOG[code].message): void {
    if (this.closing) return;
    const close = ERROR_CATALOG[code].close ?? 1011;
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.send(JSON.stringify({ type: 'error', code, message } satisfies ServerFrame));
      this.ws.close(close, code);
    }
    this.closing = true;
    // A peer that never answers the close frame must not hold the socket open.
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private socketOnMessage(data: RawData, isBinary: boolean): void {
    this.lastSeen = Date.now();
    if (this.closing) return;
    if (!this.bucket.take(this.lastSeen)) {
      if (this.bucket.flooded) return this.closeWith('flood');
      // One refusal per episode: answering every dropped frame would amplify the flood.
      if (!this.limited) this.refuse('rate_limited', ERROR_CATALOG.rate_limited.message);
      this.limited = true;
      return;
    }
    this.limited = false;
    if (isBinary) return this.refuse('bad_frame', 'Frames must be JSON text.');

    const raw = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    let frame: ClientFrame;
    try {
      frame = parseClientFrame(raw, this.session.role, this.deps.limits);
    } catch (error) {
      const code = error instanceof ParleyError ? error.code : 'bad_frame';
      return this.refuse(code, error instanceof Error ? error.message : String(error), refOf(raw));
    }

    if (!this.helloSeen) {
      if (frame.type !== 'hello') return this.closeWith('hello_required');
      if (frame.v !== PROTOCOL_VERSION) {
        return this.closeWith('version_mismatch', `The relay speaks protocol ${PROTOCOL_VERSION}, the client ${frame.v}.`);
      }
      this.helloSeen = true;
      if (this.helloTimer) clearTimeout(this.helloTimer);
      this.helloTimer = null;
      this.enqueue(frame, () => this.deps.broker.hello(this.session, frame));
      return;
    }
    this.enqueue(frame, () => this.deps.broker.handle(this.session, frame));
  }

  /** Runs a frame's handler after the previous ones, turning failures into error frames. */
  private enqueue(frame: ClientFrame, handler: () => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      if (this.closing) return;
      try {
        await handler();
      } catch (error) {
        this.frameOnError(frame, error);
      }
    });
  }

  private frameOnError(frame: ClientFrame, error: unknown): void {
    const ref = frame.type === 'chat.send' ? frame.clientId : frame.type;
    if (error instanceof ParleyError) {
      if (error.close !== null) return this.closeWith(error.code, error.message);
      return this.refuse(error.code, error.message, ref);
    }
    this.deps.log.error('frame failed', { type: frame.type, error });
    this.send({ type: 'error', code: 'internal', message: ERROR_CATALOG.internal.message, ref } satisfies ServerFrame);
  }

  /** Answers a refused frame; too many refusals close the connection. */
  private refuse(code: ErrorCode, message: string, ref?: string): void {
    const frame: ServerFrame = ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref };
    this.send(frame);
    if (code === 'rate_limited') return;
    this.errors++;
    if (this.errors >= this.deps.limits.maxErrors) this.closeWith('too_many_errors');
  }

  private socketOnPong(): void {
    this.lastSeen = Date.now();
  }

  private socketOnError(error: Error): void {
    // ws reports protocol violations here (then closes, e.g. 1009 for an oversize frame).
    this.deps.log.info('socket error', { id: this.id, message: error.message });
  }

  private socketOnClose(): void {
    this.closing = true;
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }
}

/** Best effort at naming a refused frame: its clientId, else its type. */
function refOf(raw: string): string | undefined {
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== 'object' || data === null) return undefined;
    const { clientId, type } = data as { clientId?: unknown; type?: unknown };
    if (typeof clientId === 'string' && clientId.length <= 64) return clientId;
    if (typeof type === 'string' && type.length <= 40) return type;
  } catch {
    // Not JSON: nothing to name.
  }
  return undefined;
}
