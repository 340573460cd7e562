/**
 * The console's one WebSocket to the relay: opens with `hello`, reconnects with backoff and
 * jitter, sends an application ping every 25 s (browsers cannot see protocol pings) and drops a
 * connection that went silent. It knows nothing of conversations; the session does.
 */
import type { AgentFrame, HelloFrame, ServerFrame } from '@parley/protocol';
import { DEFAULT_LIMITS, FATAL_CLOSE_CODES } from '@parley/protocol';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

/** The part of the browser WebSocket the console uses (a fake in tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
}

/** How one connection ended. */
export interface SocketCloseInfo {
  code: number;
  reason: string;
  /** False when the connection never opened (refused upgrade, relay down). */
  opened: boolean;
  /** True when the code forbids reconnecting as is (bad token, other protocol version). */
  fatal: boolean;
}

/** What the socket needs from its owner. */
export interface SocketOptions {
  /** The `ws:`/`wss:` URL, token included. */
  url: string;
  /** The hello to open each connection with (built fresh: resume points change). */
  hello(): HelloFrame;
  /** Every frame from the relay. */
  onFrame(frame: ServerFrame): void;
  /** The connection opened and `hello` went out. */
  onOpen(): void;
  /** A connection ended (a retry is scheduled unless `fatal`). */
  onClose(info: SocketCloseInfo): void;
  createWebSocket?(url: string): WebSocketLike;
  random?(): number;
  backoff?: BackoffOptions;
  /** Application ping interval, in milliseconds. */
  pingMs?: number;
}

const OPEN = 1;

function isServerFrame(value: unknown): value is ServerFrame {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** A WebSocket that keeps itself connected until `stop()`. */
export class ReconnectingSocket {
  private readonly options: SocketOptions;
  private ws: WebSocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeardAt = 0;
  private stopped = false;

  constructor(options: SocketOptions) {
    this.options = options;
  }

  /** True while a connection is open. */
  get open(): boolean {
    return this.ws?.readyState === OPEN;
  }

  /** Connects (idempotent). */
  start(): void {
    this.stopped = false;
    if (!this.ws && !this.retryTimer) this.connect();
  }

  /** Closes for good; no reconnect follows. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000, 'signed out');
    }
  }

  /** Skips the pending backoff (the browser came back online, the agent asked). */
  reconnectNow(): void {
    if (this.stopped || this.ws) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  /** Sends a frame when connected; returns false when it could not go out. */
  send(frame: AgentFrame): boolean {
    if (!this.ws || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private connect(): void {
    this.retryTimer = null;
    const create = this.options.createWebSocket ?? ((url: string) => new WebSocket(url) as WebSocketLike);
    let ws: WebSocketLike;
    try {
      ws = create(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.lastHeardAt = Date.now();
      ws.send(JSON.stringify(this.options.hello()));
      this.startPing();
      this.options.onOpen();
    };
    ws.onmessage = (event) => {
      this.lastHeardAt = Date.now();
      if (typeof event.data !== 'string') return;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (isServerFrame(data)) this.options.onFrame(data);
    };
    ws.onerror = () => {
      // A close event always follows; it decides what happens next.
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      const fatal = FATAL_CLOSE_CODES.includes(event.code);
      this.options.onClose({ code: event.code, reason: event.reason, opened, fatal });
      if (!fatal && !this.stopped) this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.options.random ?? Math.random, this.options.backoff ?? DEFAULT_BACKOFF);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private startPing(): void {
    const every = this.options.pingMs ?? DEFAULT_LIMITS.heartbeatMs;
    this.pingTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      // The relay answers every ping; silence for two intervals means a dead link the
      // browser has not noticed (sleeping laptop, dropped NAT entry).
      if (Date.now() - this.lastHeardAt > every * 2 + 5000) {
        this.dropDead(ws);
        return;
      }
      this.send({ type: 'ping', t: Date.now() });
    }, every);
  }

  /** Gives up on a silent connection at once rather than waiting for a close handshake that may never come. */
  private dropDead(ws: WebSocketLike): void {
    ws.onclose = null;
    ws.close(4100, 'heartbeat timeout');
    this.ws = null;
    this.clearTimers();
    this.options.onClose({ code: 4100, reason: 'heartbeat timeout', opened: true, fatal: false });
    this.scheduleRetry();
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = null;
    this.retryTimer = null;
  }
}

/** The relay's WebSocket URL for this page: same origin, `wss:` under HTTPS. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}
