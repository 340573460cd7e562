/**
 * One client WebSocket after a successful upgrade: the hello deadline and version check, frame
 * validation, the per-connection rate limits (one for chat and everything else, one for
 * co-browse page data, pointer and control, so a sharing tab never starves chat and chat never
 * trips on page data), error counting, liveness for the heartbeat, and cutting a slow consumer. Frames of one connection are handled one at a time, in order; a
 * failure in one frame becomes an `error` frame and never reaches another connection.
 *
 * Memory: an idle relay holds one of these per visitor, so a connection allocates no closure,
 * promise or timer of its own once `hello` is handled. Socket events arrive through listeners
 * shared by all sockets, the end of a connection is reported through a callback of the deps,
 * and the heartbeat reads liveness from the TCP socket's byte count.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import {
  CLOSE_CODES,
  COBROWSE_STREAM_TYPES,
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
import type { RelayMetrics } from '../metrics/relay-metrics.js';
import { isStoreUnavailable, logStoreUnavailable } from '../storage/store-unavailable.js';
import { ClientSocket } from './client-socket.js';
import type { HeartbeatPeer } from './heartbeat.js';
import { TokenBucket } from './token-bucket.js';

/** What a connection needs from the relay (one object shared by every connection). */
export interface ConnectionDeps {
  broker: Broker;
  limits: Limits;
  log: Logger;
  /** See `RelayOptions.lateCobrowseFrames`. */
  lateCobrowseFrames: number;
  /** Called once per connection, after its socket closed and the broker forgot the session. */
  forget(connection: Connection): void;
  /** Counts frames in and out, errors and ack latency. */
  metrics: RelayMetrics;
  /**
   * True once the node drains: frames that arrive from then on are not handled (the client's
   * outbox sends them again on its next connection). Shared, so a connection holds no flag of its own.
   */
  draining: boolean;
}

/** How long a socket closed by the relay may take to finish the closing handshake. */
const CLOSE_GRACE_MS = 2000;

/** `ws.send` options for UTF-8 bytes that are a text frame (bytes go out as binary frames otherwise). */
const TEXT_FRAME = { binary: false } as const;

/** The `tail` of a connection with no frame in flight (shared: no promise kept per idle socket). */
const IDLE: Promise<void> = Promise.resolve();

/** A client connection. */
export class Connection implements PeerLink, HeartbeatPeer {
  /**
   * Unique across relay nodes (the bus compares it). Made by one `toString` so it is a single
   * flat string: ids built by concatenation (nanoid, `randomUUID`) stay a chain of string
   * pieces worth several hundred bytes per connection.
   */
  readonly id: string = randomBytes(15).toString('base64url');
  /** Heartbeat bookkeeping (see `HeartbeatPeer`). */
  heardBytes = 0;
  /** Heartbeat bookkeeping (see `HeartbeatPeer`). */
  quietTicks = 0;
  /** When the connection's token expires; the heartbeat closes it then (see `HeartbeatPeer`). */
  readonly expiresAt: number | undefined;
  /** The stored console session an agent connected with (see `SessionSweep`); undefined for visitors. */
  readonly agentSessionId: string | undefined;
  private readonly ws: ClientSocket;
  private readonly socket: Socket;
  private readonly deps: ConnectionDeps;
  private readonly session: Session;
  private readonly bucket: TokenBucket;
  /** The co-browse budget; made on the first co-browse frame (most connections never send one). */
  private cobrowseBucket: TokenBucket | null = null;
  private helloTimer: NodeJS.Timeout | null;
  private helloSeen = false;
  private errors = 0;
  /** Page-data frames refused in a row for want of a sharing (see `lateCobrowseFrames`). */
  private lateCobrowse = 0;
  private limited = false;
  private closing = false;
  /** True while the socket holds this turn's writes (see `corkUntilTickEnd`). */
  private corked = false;
  private tail: Promise<void> = IDLE;
  /**
   * The chat.sends being handled, by client id: when each arrived (`performance.now()`) and,
   * once acked, when its ack left. Made on the first send (most connections never send one).
   */
  private sends: Map<string, { arrived: number; acked: number }> | null = null;

  /**
   * @param ws the upgraded WebSocket.
   * @param socket its TCP socket, read for the byte count the heartbeat watches.
   */
  constructor(ws: ClientSocket, socket: Socket, identity: PeerIdentity, deps: ConnectionDeps) {
    this.ws = ws;
    this.socket = socket;
    this.deps = deps;
    this.expiresAt = identity.expiresAt;
    this.agentSessionId = identity.role === 'agent' ? identity.sessionId : undefined;
    this.session = deps.broker.connect(this, identity);
    this.bucket = new TokenBucket(deps.limits.framesPerSecond, deps.limits.frameBurst);
    this.helloTimer = setTimeout(timerOnHelloTimeout, deps.limits.helloTimeoutMs, this);
    ws.connection = this;
    ws.on('message', socketOnMessage);
    ws.on('error', socketOnError);
    ws.on('close', socketOnClose);
  }

  /** Who is on the other end. */
  get role(): 'visitor' | 'agent' {
    return this.session.role;
  }

  /** Bytes received from the client so far (frames and pongs): the heartbeat's sign of life. */
  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  /** Bytes queued to the client and not yet written to the network (held writes included). */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends a frame; cuts the connection when the client stopped reading. */
  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /**
   * Sends a frame serialised as JSON text (the same string may go to many connections); cuts
   * the connection when the client stopped reading. Frames sent in one turn of the event loop
   * leave in one write (see `corkUntilTickEnd`). `bytes`, the text's UTF-8 encoding shared by
   * a fan-out's recipients, is written as it is rather than encoding the text once more here.
   */
  sendText(text: string, bytes?: Buffer): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
    if (!this.corked) corkUntilTickEnd(this);
    this.deps.metrics.frameOut(text);
    if (bytes === undefined) this.ws.send(text);
    else this.ws.send(bytes, TEXT_FRAME);
  }

  /** Holds this connection's writes until `uncork` (see `corkUntilTickEnd`). */
  cork(): void {
    this.corked = true;
    this.socket.cork();
  }

  /**
   * Writes what was held since `cork`, in one system call, then cuts the connection if the
   * client stopped reading. Measured here, after the write, rather than per frame: while corked,
   * a healthy socket's buffer holds the whole turn's frames too.
   */
  uncork(): void {
    this.corked = false;
    // A destroyed socket drops what it held, like any write after a terminate.
    if (this.socket.destroyed) return;
    this.socket.uncork();
    if (this.ws.bufferedAmount > this.deps.limits.maxBufferedBytes && !this.closing) {
      // Logged so an operator can tell cut-off clients from network trouble.
      this.deps.log.info('slow consumer cut off', { id: this.id, bufferedBytes: this.ws.bufferedAmount });
      this.closeWith('slow_consumer');
    }
  }

  /** Heartbeat ping. */
  ping(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  /**
   * The token expired, or its session was ended (signed out, password changed, agent removed),
   * while connected: the client must sign in again (close 4001).
   */
  expire(message = 'The session expired; sign in again.'): void {
    this.closeWith('unauthorized', message);
  }

  /** Drops the socket at once (a dead peer, or one that did not finish closing). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Resolves when every frame received so far has been handled. */
  idle(): Promise<void> {
    return this.tail;
  }

  /**
   * Sends the error of `code` and closes with its close code (a code that has none: 1013 "try
   * again later" for `unavailable`, else 1011); a peer that has not answered the close within
   * `graceMs` is dropped.
   */
  closeWith(code: ErrorCode, message: string = ERROR_CATALOG[code].message, graceMs = CLOSE_GRACE_MS): void {
    if (this.closing) return;
    const close = ERROR_CATALOG[code].close ?? (code === 'unavailable' ? CLOSE_CODES.tryAgainLater : CLOSE_CODES.internalError);
    if (this.ws.readyState === this.ws.OPEN) {
      const text = JSON.stringify({ type: 'error', code, message } satisfies ServerFrame);
      this.deps.metrics.frameOut(text);
      this.ws.send(text);
      this.ws.close(close, code);
    }
    this.closing = true;
    // A peer that never answers the close frame must not hold the socket open.
    setTimeout(timerOnCloseGrace, graceMs, this).unref();
  }

  /** Handles one frame from the socket (called by the shared `message` listener). */
  receive(data: RawData, isBinary: boolean): void {
    if (this.closing || this.deps.draining) return;
    if (isBinary) {
      if (!this.charge(this.bucket)) return;
      if (!this.helloSeen) return this.closeWith('hello_required');
      return this.refuse('bad_frame', 'Frames must be JSON text.');
    }
    const raw = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    // Chosen before parsing, so a flood is refused without the cost of parsing it.
    const stream = isCobrowseStream(raw);
    if (!this.charge(stream ? (this.cobrowseBucket ??= newCobrowseBucket(this.deps.limits)) : this.bucket)) return;

    let frame: ClientFrame;
    try {
      frame = parseClientFrame(raw, this.session.role, this.deps.limits);
    } catch (error) {
      // Invalid frames count against the chat budget, whatever type they claimed.
      if (stream && !this.charge(this.bucket)) return;
      // Before hello nothing else is expected: garbage closes as the protocol says (4002).
      if (!this.helloSeen) return this.closeWith('hello_required');
      const code = error instanceof ParleyError ? error.code : 'bad_frame';
      return this.refuse(code, error instanceof Error ? error.message : String(error), refOf(raw));
    }
    // A frame that only looked like page data (a repeated "type" key, say) pays the chat budget too.
    if (stream && !COBROWSE_STREAM_TYPES.has(frame.type) && !this.charge(this.bucket)) return;
    this.deps.metrics.frameIn(frame.type);

    if (!this.helloSeen) {
      if (frame.type !== 'hello') return this.closeWith('hello_required');
      if (frame.v !== PROTOCOL_VERSION) {
        return this.closeWith('version_mismatch', `The relay speaks protocol ${PROTOCOL_VERSION}, the client ${frame.v}.`);
      }
      this.helloSeen = true;
      this.clearHelloTimer();
      this.enqueue(frame, () => this.deps.broker.hello(this.session, frame));
      return;
    }
    this.enqueue(frame, () => this.deps.broker.handle(this.session, frame));
  }

  /** Logs a socket error (called by the shared `error` listener). */
  socketFailed(error: Error): void {
    // ws reports protocol violations here (then closes, e.g. 1009 for an oversize frame).
    this.deps.log.info('socket error', { id: this.id, message: error.message });
  }

  /**
   * The socket closed (called by the shared `close` listener): frames already being handled
   * finish first (their acks are lost, their writes are not), then the broker forgets the
   * session and the relay the connection.
   */
  socketClosed(): void {
    this.closing = true;
    this.clearHelloTimer();
    void this.tail
      .then(() => this.deps.broker.disconnect(this.session))
      .catch((error: unknown) => this.deps.log.error('disconnect failed', { error }))
      .then(() => this.deps.forget(this));
  }

  /** Runs a frame's handler after the previous ones, turning failures into error frames. */
  private enqueue(frame: ClientFrame, handler: () => Promise<void>): void {
    // Ack latency runs from arrival, so it includes the wait behind this connection's earlier frames.
    const clientId = frame.type === 'chat.send' ? frame.clientId : null;
    // A resend of a client id still being handled is timed from the first arrival.
    if (clientId !== null && !this.sends?.has(clientId)) (this.sends ??= new Map()).set(clientId, { arrived: performance.now(), acked: 0 });
    const task: Promise<void> = this.tail.then(async () => {
      if (!this.closing) {
        try {
          await handler();
          // Page data accepted again: the allowance for late frames starts over.
          if (frame.type === 'cobrowse.events') this.lateCobrowse = 0;
        } catch (error) {
          this.frameOnError(frame, error);
        }
      }
      // A chat.send's handler resolves once its message is fanned out, after its ack.
      if (clientId !== null) this.sendHandled(clientId);
      // Nothing queued behind this frame: let its settled promise go (idle sockets keep none).
      if (this.tail === task) this.tail = IDLE;
    });
    this.tail = task;
  }

  /** See `PeerLink.acked`: the sender has what it waits for, whatever the fan-out still does. */
  acked(clientId: string): void {
    const send = this.sends?.get(clientId);
    if (send === undefined || send.acked !== 0) return;
    send.acked = performance.now();
    this.deps.metrics.acked(send.arrived, send.acked);
  }

  private sendHandled(clientId: string): void {
    const send = this.sends?.get(clientId);
    if (send === undefined) return;
    this.sends!.delete(clientId);
    if (this.sends!.size === 0) this.sends = null;
    if (send.acked !== 0) this.deps.metrics.fannedOut(send.acked);
  }

  private frameOnError(frame: ClientFrame, error: unknown): void {
    const ref = frame.type === 'chat.send' ? frame.clientId : frame.type;
    if (error instanceof ParleyError) {
      if (error.close !== null) return this.closeWith(error.code, error.message);
      return this.refuse(error.code, error.message, ref, !this.isExcused(frame, error.code));
    }
    if (isStoreUnavailable(error)) {
      // No welcome can be built without the store: close (1013) so the client reconnects with
      // backoff and says hello again, rather than wait on an open connection that never welcomes it.
      if (frame.type === 'hello') return this.closeWith('unavailable');
      // Not the client's fault (it counts towards no limit): its outbox sends the frame again.
      logStoreUnavailable(this.deps.log, frame.type, error);
      return this.refuse('unavailable', ERROR_CATALOG.unavailable.message, ref, false);
    }
    this.deps.log.error('frame failed', { type: frame.type, error });
    // No welcome will come on this connection: close (1011) rather than leave the client waiting
    // on it; every client reconnects after it with backoff, and says hello again.
    if (frame.type === 'hello') return this.closeWith('internal');
    this.send({ type: 'error', code: 'internal', message: ERROR_CATALOG.internal.message, ref } satisfies ServerFrame);
  }

  /**
   * True for a refusal that is no misbehaviour: `unavailable`, or traffic still in flight when something ended:
   * ICE candidates after a hang-up (every call leaves a few), and page data after sharing
   * stopped (a split snapshot of a hundred parts) up to `lateCobrowseFrames` in a row. Beyond
   * that allowance a tab that keeps streaming without consent is refusing to stop, and each
   * frame counts towards `maxErrors` like any other refusal.
   */
  private isExcused(frame: ClientFrame, code: ErrorCode): boolean {
    // The store's fault, not the client's (refused by another node, or held behind a refused message).
    if (code === 'unavailable') return true;
    if (frame.type === 'call.signal' && code === 'call_not_found') return true;
    if (frame.type !== 'cobrowse.events' || code !== 'cobrowse_no_consent') return false;
    return ++this.lateCobrowse <= this.deps.lateCobrowseFrames;
  }

  /**
   * Takes a token from a rate budget. Over it, the frame is dropped: the first one of an episode
   * is answered with `rate_limited` (answering each would amplify a flood), and a client that
   * keeps going a whole burst over is closed as a flood.
   */
  private charge(bucket: TokenBucket): boolean {
    if (bucket.take()) {
      this.limited = false;
      return true;
    }
    if (bucket.flooded) {
      this.closeWith('flood');
      return false;
    }
    if (!this.limited) this.refuse('rate_limited', ERROR_CATALOG.rate_limited.message);
    this.limited = true;
    return false;
  }

  /** Answers a refused frame; too many refusals close the connection. */
  private refuse(code: ErrorCode, message: string, ref?: string, counted = true): void {
    const frame: ServerFrame = ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref };
    this.send(frame);
    if (code === 'rate_limited' || !counted) return;
    this.errors++;
    if (this.errors >= this.deps.limits.maxErrors) this.closeWith('too_many_errors');
  }

  private clearHelloTimer(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }
}

// Write batching. A group commit resolves many sends in one turn of the event loop, and each
// fans out to the same few agent connections: written one by one, every frame is a system call
// of its own. The first frame of a turn corks the socket and the end of the turn (after the
// microtasks that produced the frames) uncorks every corked socket, so each connection gets
// one write per turn. Latency is unchanged: nothing waits for I/O or a timer.

/** Connections corked during the current turn. */
let corkedConnections: Connection[] = [];

/** Corks a connection until the current turn of the event loop ends. */
function corkUntilTickEnd(connection: Connection): void {
  connection.cork();
  if (corkedConnections.length === 0) process.nextTick(tickOnEnd);
  corkedConnections.push(connection);
}

function tickOnEnd(): void {
  const due = corkedConnections;
  corkedConnections = [];
  for (const connection of due) connection.uncork();
}

// Listeners shared by every socket: `ws` calls them with the socket as `this`.

function socketOnMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  connectionOf(this)?.receive(data, isBinary);
}

function socketOnError(this: WebSocket, error: Error): void {
  connectionOf(this)?.socketFailed(error);
}

function socketOnClose(this: WebSocket): void {
  connectionOf(this)?.socketClosed();
}

function connectionOf(ws: WebSocket): Connection | null {
  return ws instanceof ClientSocket ? ws.connection : null;
}

function timerOnHelloTimeout(connection: Connection): void {
  connection.closeWith('hello_timeout');
}

function timerOnCloseGrace(connection: Connection): void {
  connection.terminate();
}

/** The start every client writes a frame with (`JSON.stringify` keeps `type` first). */
const TYPE_PREFIX = '{"type":"';

/**
 * True when the text looks like a co-browse stream frame (page data, pointer, control), judged
 * from its opening without parsing. A frame written another way pays the chat budget, which is
 * only stricter.
 */
function isCobrowseStream(raw: string): boolean {
  if (!raw.startsWith('{"type":"cobrowse.')) return false;
  const end = raw.indexOf('"', TYPE_PREFIX.length);
  return end > 0 && COBROWSE_STREAM_TYPES.has(raw.slice(TYPE_PREFIX.length, end));
}

function newCobrowseBucket(limits: Limits): TokenBucket {
  return new TokenBucket(limits.cobrowseFramesPerSecond, limits.cobrowseFrameBurst);
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
