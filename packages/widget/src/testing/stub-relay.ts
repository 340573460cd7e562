/**
 * A stand-in relay for the widget's tests: a real HTTP and WebSocket server on port 0 that
 * speaks just enough of the protocol (session, welcome, ack, replay) and records every frame.
 * The real relay has its own suites; this one lets the widget's logic run against real sockets.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOSE_CODES } from '@parley/protocol';
import type { CallInfo, Callback, ClientFrame, CobrowseStatus, ConversationSummary, ErrorCode, Message, ServerFrame } from '@parley/protocol';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

/** A frame the stub received, with the connection it came on. */
export interface Received {
  connection: number;
  frame: ClientFrame;
}

/** A minimal relay for tests. */
export class StubRelay {
  readonly received: Received[] = [];
  readonly messages: Message[] = [];
  readonly sockets: WebSocket[] = [];
  /** Tokens the WebSocket upgrade saw, in order. */
  readonly tokens: string[] = [];
  sessions = 0;
  /** Session requests received, answered or not. */
  sessionRequests = 0;
  /** The status session requests get; anything but 200 answers `{ error: "unavailable" }`. */
  sessionStatus = 200;
  /** When false, `chat.send` is recorded but never acked. */
  acking = true;
  /** When set, every chat.send is refused with this code (referring to its client id) instead of acked. */
  refusing: ErrorCode | null = null;
  /** Hellos still to refuse as the relay does when it cannot build a welcome: an `internal` error, then close 1011. */
  failingHellos = 0;
  /** When true, nothing is answered at all (a half-open link). */
  mute = false;
  /**
   * When true, session requests get no readable answer (the connection drops), while other
   * requests are answered: what a browser makes of a relay that refuses the page's origin.
   */
  unreadableSessions = false;
  /** Session requests still to drop, as `unreadableSessions` does, before answering again (a relay restarting). */
  unreadableSessionsLeft = 0;
  /** The `Content-Type` of the last session request. */
  sessionContentType: string | undefined;
  /** While set, session requests are answered only once it resolves. */
  private _sessionHold: Promise<void> | null = null;
  private readonly _http = createServer(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type');
    if (req.method === 'OPTIONS') return void res.end();
    if (req.method === 'HEAD') return void res.end();
    if (this.unreadableSessions) return void req.socket.destroy();
    if (this.unreadableSessionsLeft > 0) {
      this.unreadableSessionsLeft--;
      return void req.socket.destroy();
    }
    this.sessionRequests++;
    this.sessionContentType = req.headers['content-type'];
    this._wake();
    await this._sessionHold;
    res.setHeader('Content-Type', 'application/json');
    if (this.sessionStatus !== 200) {
      res.statusCode = this.sessionStatus;
      return void res.end(JSON.stringify({ error: 'unavailable' }));
    }
    this.sessions++;
    res.end(JSON.stringify({ token: `token-${this.sessions}`, visitorId: 'v1' }));
  });
  private readonly _wss = new WebSocketServer({ server: this._http, path: '/ws' });
  private readonly _waiters: (() => void)[] = [];

  constructor() {
    this._wss.on('connection', (ws, req) => {
      const connection = this.sockets.push(ws) - 1;
      this.tokens.push(new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '');
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as ClientFrame;
        this.received.push({ connection, frame });
        this._answer(ws, frame);
        this._wake();
      });
    });
  }

  /** Starts listening on a free port; returns the relay's origin. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this._http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this._http.address() as AddressInfo).port}`;
  }

  /** Stops everything. */
  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this._wss.close(() => resolve()));
    await new Promise<void>((resolve) => this._http.close(() => resolve()));
  }

  /** The co-browse states the next welcome carries (what the relay remembers). */
  cobrowse: CobrowseStatus[] = [];
  /** The calls and callback requests the next welcome lists (none: the fields are left out). */
  calls: CallInfo[] = [];
  callbacks: Callback[] = [];
  /** The agents online the welcome reports. */
  agentsOnline = 1;

  /** The conversation summary the welcome lists, from the stored messages. */
  summary(): ConversationSummary | null {
    if (!this.messages.length) return null;
    const last = this.messages[this.messages.length - 1]!;
    return {
      id: 'c1', siteId: 's1', visitorId: 'v1', status: 'open', assigneeId: null,
      createdAt: 1, updatedAt: last.at, lastSeq: last.seq, visitorReadSeq: 0, agentReadSeq: 0,
    };
  }

  /** Stores an agent message and pushes it to every open connection (unless `silent`). */
  agentSays(text: string, silent = false): Message {
    const message = this._append({ clientId: `agent-${this.messages.length + 1}`, text, author: 'agent' });
    if (!silent) this.broadcast({ type: 'chat.message', message });
    return message;
  }

  /** Sends a frame to every open connection. */
  broadcast(frame: ServerFrame): void {
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  /** Holds every session answer until the returned function is called. */
  holdSessions(): () => void {
    let release = () => undefined as void;
    this._sessionHold = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this._sessionHold = null;
      release();
    };
  }

  /** Resolves once `count` session requests have arrived. */
  async sessionRequested(count = 1): Promise<void> {
    while (this.sessionRequests < count) await new Promise<void>((resolve) => this._waiters.push(resolve));
  }

  /** Resolves once a received frame matches. */
  async waitFor<T extends ClientFrame['type']>(
    type: T,
    match: (frame: Extract<ClientFrame, { type: T }>, connection: number) => boolean = () => true,
  ): Promise<Extract<ClientFrame, { type: T }>> {
    for (;;) {
      const hit = this.received.find(
        (r) => r.frame.type === type && match(r.frame as Extract<ClientFrame, { type: T }>, r.connection),
      );
      if (hit) return hit.frame as Extract<ClientFrame, { type: T }>;
      await new Promise<void>((resolve) => this._waiters.push(resolve));
    }
  }

  private _wake(): void {
    for (const wake of this._waiters.splice(0)) wake();
  }

  private _append(fields: Pick<Message, 'clientId' | 'text' | 'author'>): Message {
    const seq = this.messages.length + 1;
    const message: Message = { id: `m${seq}`, conversationId: 'c1', seq, authorId: 'x', at: 1000 + seq, ...fields };
    this.messages.push(message);
    return message;
  }

  private _answer(ws: WebSocket, frame: ClientFrame): void {
    if (this.mute) return;
    const send = (out: ServerFrame) => ws.send(JSON.stringify(out));
    if (frame.type === 'hello' && this.failingHellos > 0) {
      this.failingHellos--;
      send({ type: 'error', code: 'internal', message: 'The relay could not complete the action; nothing was lost, retry.' });
      return void ws.close(CLOSE_CODES.internalError, 'internal');
    }
    if (frame.type === 'hello') {
      const summary = this.summary();
      send({
        type: 'welcome', v: 1, role: 'visitor', conversations: summary ? [summary] : [], agentsOnline: this.agentsOnline, cobrowse: this.cobrowse,
        ...(this.calls.length ? { calls: this.calls } : {}),
        ...(this.callbacks.length ? { callbacks: this.callbacks } : {}),
        serverTime: Date.now(),
      });
      for (const [conversationId, after] of Object.entries(frame.resume ?? {})) {
        send({ type: 'chat.messages', conversationId, messages: this.messages.filter((m) => m.seq > after), complete: true });
      }
    } else if (frame.type === 'chat.send' && this.refusing) {
      send({ type: 'error', code: this.refusing, message: 'refused by the stub', ref: frame.clientId });
    } else if (frame.type === 'chat.send' && this.acking) {
      const message =
        this.messages.find((m) => m.clientId === frame.clientId) ??
        this._append({ clientId: frame.clientId, text: frame.text, author: 'visitor' });
      send({ type: 'chat.ack', clientId: frame.clientId, conversationId: 'c1', messageId: message.id, seq: message.seq, at: message.at });
    } else if (frame.type === 'chat.sync') {
      send({
        type: 'chat.messages',
        conversationId: frame.conversationId,
        messages: this.messages.filter((m) => m.seq > frame.afterSeq),
        complete: true,
      });
    } else if (frame.type === 'ping') {
      send({ type: 'pong', t: frame.t });
    }
  }
}
