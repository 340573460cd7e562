/**
 * The one WebSocket a widget holds to the relay: opens with `hello`, keeps itself alive with an
 * app-level ping (browsers cannot see protocol pings) and a pong deadline, and reconnects with
 * capped exponential backoff and full jitter. Close codes the relay marks fatal stop it.
 */
import { FATAL_CLOSE_CODES } from '@parley/protocol';
import type { ClientFrame, HelloFrame, ServerFrame } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import type { BackoffOptions } from './backoff.js';

/** Where the connection stands: `open` once the relay answered the hello. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'stopped';

/** The WebSocket constructor to use (the browser's, or `ws` in Node tests). */
export type WebSocketFactory = new (url: string) => WebSocket;

/** What the socket needs from its owner. */
export interface RelaySocketOptions {
  /** The URL to open, read at every attempt (the token may have changed). */
  url: () => string;
  /** The hello frame, built at every attempt (resume points move on). */
  hello: () => HelloFrame;
  /** Every valid frame from the relay. */
  onFrame: (frame: ServerFrame) => void;
  /** Every state change. */
  onState: (state: ConnectionState) => void;
  /** The relay closed with a fatal code; the socket stopped and waits for `start()`. */
  onFatal: (code: number) => void;
  /** Runs before reconnect attempt `attempt` (from 1); may refresh the token. */
  beforeReconnect?: (attempt: number) => Promise<void> | void;
  WebSocket?: WebSocketFactory;
  /** Interval of the app-level ping, in milliseconds. */
  pingMs?: number;
  /** How long to wait for any frame after a ping before the link counts as dead. */
  pongTimeoutMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
}

/** A self-healing connection to the relay. */
export class RelaySocket {
  private _ws: WebSocket | null = null;
  private _state: ConnectionState = 'stopped';
  private _attempt = 0;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined;
  private _pingTimer: ReturnType<typeof setInterval> | undefined;
  private _deadline: ReturnType<typeof setTimeout> | undefined;
  private readonly _options: RelaySocketOptions;

  constructor(options: RelaySocketOptions) {
    this._options = options;
  }

  /** The current state. */
  get state(): ConnectionState {
    return this._state;
  }

  /** Opens the connection (again, after `stop` or a fatal close). */
  start(): void {
    this._attempt = 0;
    this._connect();
  }

  /** Closes for good; no reconnect until `start()`. */
  stop(): void {
    this._drop();
    clearTimeout(this._retryTimer);
    this._setState('stopped');
  }

  /** Skips the backoff wait (the browser came back online, the tab became visible). */
  reconnectNow(): void {
    if (this._state !== 'closed') return;
    clearTimeout(this._retryTimer);
    this._attempt = 0;
    this._connect();
  }

  /** Sends a frame when the relay has answered the hello; returns false otherwise. */
  send(frame: ClientFrame): boolean {
    if (this._state !== 'open' || !this._ws) return false;
    this._ws.send(JSON.stringify(frame));
    return true;
  }

  private _setState(state: ConnectionState): void {
    if (state === this._state) return;
    this._state = state;
    this._options.onState(state);
  }

  private _connect(): void {
    this._drop();
    this._setState('connecting');
    const Ctor = this._options.WebSocket ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Ctor(this._options.url());
    } catch {
      this._scheduleReconnect();
      return;
    }
    this._ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify(this._options.hello()));
      this._startPing();
    };
    ws.onmessage = (event: MessageEvent) => this._socketOnMessage(event);
    ws.onclose = (event: CloseEvent) => this._socketOnClose(ws, event.code);
    // Errors are always followed by a close event, which decides what happens next.
    ws.onerror = () => undefined;
  }

  private _socketOnMessage(event: MessageEvent): void {
    // Any frame proves the link is alive, not only pongs.
    clearTimeout(this._deadline);
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(event.data)) as ServerFrame;
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return;
    if (frame.type === 'welcome') {
      this._attempt = 0;
      this._setState('open');
    }
    if (frame.type !== 'pong') this._options.onFrame(frame);
  }

  private _socketOnClose(ws: WebSocket, code: number): void {
    if (ws !== this._ws) return;
    this._drop();
    if (FATAL_CLOSE_CODES.includes(code)) {
      this._setState('stopped');
      this._options.onFatal(code);
      return;
    }
    this._scheduleReconnect();
  }

  private _scheduleReconnect(): void {
    this._setState('closed');
    const delay = backoffDelay(this._attempt++, this._options.random, this._options.backoff);
    const attempt = this._attempt;
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(async () => {
      try {
        await this._options.beforeReconnect?.(attempt);
      } catch {
        // A failed token refresh is retried on the next attempt; connecting may still work.
      }
      if (this._state === 'closed') this._connect();
    }, delay);
  }

  private _startPing(): void {
    const interval = this._options.pingMs ?? 25_000;
    this._pingTimer = setInterval(() => {
      if (!this._ws || this._ws.readyState !== 1) return;
      this._ws.send(JSON.stringify({ type: 'ping', t: Date.now() } satisfies ClientFrame));
      clearTimeout(this._deadline);
      this._deadline = setTimeout(() => this._socketOnDeadline(), this._options.pongTimeoutMs ?? 10_000);
    }, interval);
  }

  private _socketOnDeadline(): void {
    // A half-open link can take minutes to report its close; give up on it now.
    this._drop();
    this._scheduleReconnect();
  }

  /** Detaches and closes the current WebSocket without triggering our close handler. */
  private _drop(): void {
    clearInterval(this._pingTimer);
    clearTimeout(this._deadline);
    const ws = this._ws;
    this._ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Keep a no-op error handler: some implementations throw on an unhandled late error.
    ws.onerror = () => undefined;
    try {
      ws.close();
    } catch {
      // Closing a socket that is still connecting throws in some browsers; it is gone anyway.
    }
  }
}
