/**
 * One booted widget: the session, the socket, the outbox and the conversation, and the view the
 * UI renders. Every relay frame lands in `socketOnFrame`; every visitor action is a method.
 */
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '@parley/protocol';
import type {
  Attributes,
  ClientFrame,
  ConversationSummary,
  HelloFrame,
  Message,
  ResumePoints,
  ServerFrame,
} from '@parley/protocol';
import { ConversationStore } from './conversation-store.js';
import { Emitter } from './emitter.js';
import { GatedStorage } from './gated-storage.js';
import type { StorageSlot } from './gated-storage.js';
import { pickLanguage, strings } from './i18n.js';
import { Outbox } from './outbox.js';
import { currentPage, PageTracker } from './page-tracker.js';
import type { PageInfo } from './page-tracker.js';
import { ReadState } from './read-state.js';
import { requestSession, SessionError } from './session.js';
import type { VisitorUser } from './session.js';
import { RelaySocket } from './socket.js';
import type { ConnectionState, WebSocketFactory } from './socket.js';
import { TypingSender } from './typing-sender.js';
import { buildMessages } from './view.js';
import type { Connectivity, WidgetView } from './view.js';

/** Options of `Parley('boot', ...)`. */
export interface BootOptions {
  siteKey: string;
  /** `en` or `ko`; defaults to the browser's language. */
  language?: string;
  /** Store the session at once, without waiting for the visitor to interact. */
  persist?: boolean;
  /** The host page's signed-in user. */
  user?: VisitorUser;
}

/** What `Parley('identify', ...)` takes. */
export interface IdentifyOptions {
  userId?: string;
  userHash?: string;
  name?: string;
  email?: string;
  attributes?: Attributes;
}

/** A message as the host page's `message` listeners receive it. */
export interface PublicMessage {
  id: string;
  conversationId: string;
  author: Message['author'];
  authorName?: string;
  text: string;
  at: number;
}

/** The public events, plus `change` for the UI. */
export interface WidgetEvents extends Record<string, unknown> {
  ready: undefined;
  open: undefined;
  close: undefined;
  message: PublicMessage;
  unread: number;
  change: undefined;
}

/** How long a sent message may wait for its ack before it is resent (and shown as retrying). */
const ACK_TIMEOUT_MS = 10_000;
/** How often the outbox is checked for messages to resend. */
const RETRY_TICK_MS = 2_500;
/** An agent typing signal without refresh expires after this long. */
const AGENT_TYPING_MS = 8_000;
/** Frames kept while offline (identify, track, page); the oldest go first. */
const PENDING_LIMIT = 50;

/** A running widget for one site. */
export class Widget {
  /** Public events and the UI's `change`. */
  readonly events = new Emitter<WidgetEvents>();
  private readonly _storage: GatedStorage;
  private readonly _outbox: Outbox;
  private readonly _store = new ConversationStore();
  private readonly _read: ReadState;
  private readonly _socket: RelaySocket;
  private readonly _pages = new PageTracker((page) => this._pageOnChange(page));
  private readonly _typing = new TypingSender((typing) => this._sendTyping(typing));
  private readonly _summaries = new Map<string, ConversationSummary>();
  /** Conversations whose full history is loading: their messages are not announced as new. */
  private readonly _historyLoads = new Set<string>();
  private readonly _syncing = new Set<string>();
  private _pending: ClientFrame[] = [];
  private _token: string | null;
  private _visitorId = '';
  private _active: string | null = null;
  private _resumed = new Set<string>();
  private _open = false;
  private _agentsOnline = -1;
  private _agentTyping = false;
  private _agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private _connectivity: Connectivity = 'connecting';
  private _unread = 0;
  private _ready = false;
  private _stopped = false;
  private _refreshedAfterFatal = false;
  private _retryTimer: ReturnType<typeof setInterval> | undefined;
  private _view: WidgetView;
  private _changeQueued = false;
  private readonly _language;
  private readonly _windowOnOnline = () => this._socket.reconnectNow();
  private readonly _windowOnOffline = () => this._setConnectivity(this._socketConnectivity());
  private readonly _documentOnVisibility = () => {
    if (document.visibilityState !== 'visible') return;
    this._socket.reconnectNow();
    this._markRead();
  };

  constructor(
    readonly origin: string,
    readonly options: BootOptions,
    WebSocketImpl?: WebSocketFactory,
  ) {
    this._language = pickLanguage(options.language);
    const stored = new GatedStorage(options.siteKey, false);
    this._token = stored.read('token');
    // A stored token means the visitor interacted before: writing again needs no new consent.
    this._storage = new GatedStorage(options.siteKey, Boolean(options.persist) || this._token !== null);
    this._outbox = new Outbox(this._storage, () => this._changed());
    this._read = new ReadState(this._storage);
    this._socket = new RelaySocket({
      url: () => `${origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(this._token ?? '')}`,
      hello: () => this._hello(),
      onFrame: (frame) => this._socketOnFrame(frame),
      onState: (state) => this._socketOnState(state),
      onFatal: (code) => void this._socketOnFatal(code),
      beforeReconnect: (attempt) => this._socketBeforeReconnect(attempt),
      WebSocket: WebSocketImpl,
    });
    this._view = this._buildView();
  }

  /** The current snapshot for the UI. */
  get view(): WidgetView {
    return this._view;
  }

  /** Gets a session and connects. */
  async start(): Promise<void> {
    this._storage.watch((slot, value) => this._storageOnChange(slot, value));
    this._pages.start();
    addEventListener('online', this._windowOnOnline);
    addEventListener('offline', this._windowOnOffline);
    document.addEventListener('visibilitychange', this._documentOnVisibility);
    this._retryTimer = setInterval(() => this._flush(), RETRY_TICK_MS);
    if (this._storage.allowed) this._persistAll();
    // A stored token goes straight to the socket; the session request is only needed without one.
    if (!this._token || this.options.user) {
      const ok = await this._refreshSession(this.options.user);
      if (!ok || this._stopped) return;
    }
    this._socket.start();
  }

  /** Disconnects and removes every trace: listeners, timers, and, when `forget`, the stored session. */
  stop(forget: boolean): void {
    this._stopped = true;
    this._socket.stop();
    this._pages.stop();
    this._storage.unwatch();
    this._typing.stop();
    removeEventListener('online', this._windowOnOnline);
    removeEventListener('offline', this._windowOnOffline);
    document.removeEventListener('visibilitychange', this._documentOnVisibility);
    clearInterval(this._retryTimer);
    clearTimeout(this._agentTypingTimer);
    if (forget) this._storage.clear();
    this.events.clear();
  }

  /** The visitor interacted with the widget: from now on the session is kept in storage. */
  interacted(): void {
    if (this._storage.allowed) return;
    this._storage.allow();
    this._persistAll();
  }

  /** Opens or closes the panel. */
  setOpen(open: boolean): void {
    if (open === this._open) return;
    this._open = open;
    if (open) {
      this.interacted();
      this._markRead();
    } else {
      this._typing.stop();
    }
    this.events.emit(open ? 'open' : 'close', undefined);
    this._changed();
  }

  /** Queues a message for delivery; false when it is empty or too long. */
  send(text: string): boolean {
    const body = text.trim();
    if (!body || body.length > DEFAULT_LIMITS.maxTextLength) return false;
    this.interacted();
    this._typing.stop();
    // Writing into the conversation on screen keeps one timeline (the relay reopens it if resolved).
    const entry = this._outbox.add(body, this._active ?? undefined);
    if (this._socket.state === 'closed' || this._socket.state === 'stopped') this._outbox.markFailed(entry.clientId);
    this._flush();
    return true;
  }

  /** The visitor typed in the composer. */
  typing(): void {
    this._typing.input();
  }

  /** Names the host page's user (verified when `userHash` is right). */
  identify(options: IdentifyOptions): void {
    const frame: ClientFrame = { type: 'visitor.identify' };
    if (options.userId !== undefined) frame.userId = String(options.userId);
    if (options.userHash) frame.userHash = options.userHash;
    if (options.name) frame.name = options.name;
    if (options.email) frame.email = options.email;
    if (options.attributes) frame.attributes = options.attributes;
    this._sendOrKeep(frame);
  }

  /** Records a host-page event for the agent. */
  track(event: string, props?: Attributes): void {
    const frame: ClientFrame = { type: 'visitor.track', event };
    if (props) frame.props = props;
    this._sendOrKeep(frame);
  }

  // ---------------------------------------------------------------------------------------------
  // Relay frames

  private _socketOnFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        if (frame.visitor) this._visitorId = frame.visitor.id;
        if (typeof frame.agentsOnline === 'number') this._agentsOnline = frame.agentsOnline;
        this._refreshedAfterFatal = false;
        this._takeConversations(frame.conversations);
        this._flushPending();
        this._flush();
        if (!this._ready) {
          this._ready = true;
          this.events.emit('ready', undefined);
        }
        break;
      case 'chat.ack':
        this._chatOnAck(frame.clientId, frame.conversationId, frame.messageId, frame.seq, frame.at);
        break;
      case 'chat.message':
        this._receive([frame.message], true);
        break;
      case 'chat.messages':
        this._chatOnMessages(frame.conversationId, frame.messages, frame.complete);
        break;
      case 'chat.typing':
        if (frame.from === 'agent' && frame.conversationId === this._active) this._setAgentTyping(frame.typing);
        break;
      case 'chat.read':
        if (frame.by === 'visitor' && this._read.advance(frame.conversationId, frame.seq)) this._changed();
        break;
      case 'conversation.updated':
        this._takeConversations([frame.conversation]);
        break;
      case 'visitor.identified':
        this._visitorId = frame.visitor.id;
        this._setToken(frame.token);
        this._takeConversations(frame.conversations);
        break;
      case 'presence':
        this._agentsOnline = frame.agentsOnline;
        this._changed();
        break;
      case 'error':
        if (!frame.ref || !this._outbox.has(frame.ref)) break;
        if (frame.code === 'forbidden' || frame.code === 'not_found') this._outbox.retarget(frame.ref);
        this._outbox.markFailed(frame.ref);
        break;
      default:
        break;
    }
  }

  private _chatOnAck(clientId: string, conversationId: string, id: string, seq: number, at: number): void {
    const entry = this._outbox.ack(clientId);
    if (!entry) return;
    const message: Message = {
      id, conversationId, seq, clientId, at,
      author: 'visitor',
      authorId: this._visitorId,
      text: entry.text,
    };
    this._receive([message], true);
  }

  private _chatOnMessages(conversationId: string, messages: Message[], complete: boolean): void {
    this._syncing.delete(conversationId);
    const announce = !this._historyLoads.has(conversationId);
    this._receive(messages, announce);
    const last = messages.length ? messages[messages.length - 1]!.seq : null;
    if (!complete && last !== null) {
      this._sync(conversationId, last);
      return;
    }
    this._historyLoads.delete(conversationId);
  }

  /** Adds messages to the store, settles the outbox, then checks for holes. */
  private _receive(messages: readonly Message[], announce: boolean): void {
    for (const m of messages) {
      if (m.author === 'visitor' && m.clientId && this._outbox.has(m.clientId)) this._outbox.ack(m.clientId);
    }
    const added = this._store.add(messages);
    for (const m of added) {
      if (!this._active || (m.conversationId !== this._active && this._isNewer(m.conversationId))) {
        this._active = m.conversationId;
      }
      if (m.author === 'agent' && m.conversationId === this._active) this._setAgentTyping(false);
      if (announce) this.events.emit('message', toPublic(m));
    }
    for (const id of new Set(messages.map((m) => m.conversationId))) this._checkGap(id);
    if (added.length) {
      this._markRead();
      this._changed();
    }
  }

  /** Takes conversation summaries (welcome, identified, updated) and fetches what is missing. */
  private _takeConversations(list: readonly ConversationSummary[]): void {
    for (const c of list) {
      const known = this._summaries.get(c.id);
      if (!known || c.updatedAt >= known.updatedAt) this._summaries.set(c.id, c);
      this._read.merge(JSON.stringify({ read: { [c.id]: c.visitorReadSeq } }));
    }
    const newest = [...this._summaries.values()].sort((a, b) => b.createdAt - a.createdAt)[0];
    if (newest && (!this._active || this._isNewer(newest.id))) this._active = newest.id;
    const active = this._active;
    if (active) {
      const summary = this._summaries.get(active);
      if (!this._store.has(active)) {
        // First sight of the conversation (a reload, another device): fetch its history from 0.
        this._store.touch(active);
        if (summary && summary.lastSeq > 0) {
          this._historyLoads.add(active);
          this._sync(active, 0);
        }
      } else if (!this._resumed.has(active)) {
        this._checkGap(active, summary?.lastSeq);
      }
    }
    this._resumed.clear();
    this._changed();
  }

  private _checkGap(conversationId: string, knownLast = 0): void {
    if (conversationId !== this._active || !this._store.has(conversationId)) return;
    const after = this._store.missingAfter(conversationId, knownLast);
    if (after !== null) this._sync(conversationId, after);
  }

  private _sync(conversationId: string, afterSeq: number): void {
    if (this._syncing.has(conversationId)) return;
    if (this._socket.send({ type: 'chat.sync', conversationId, afterSeq } satisfies ClientFrame)) {
      this._syncing.add(conversationId);
    }
  }

  private _isNewer(conversationId: string): boolean {
    const candidate = this._summaries.get(conversationId);
    const current = this._active ? this._summaries.get(this._active) : undefined;
    if (!current) return true;
    return candidate !== undefined && candidate.createdAt > current.createdAt;
  }

  // ---------------------------------------------------------------------------------------------
  // Connection

  private _hello(): HelloFrame {
    const hello: HelloFrame = { type: 'hello', v: PROTOCOL_VERSION, page: currentPage(), language: navigator.language };
    // Resume what we hold; the relay replays everything after each point.
    const resume: ResumePoints = {};
    this._resumed.clear();
    if (this._active && this._store.has(this._active) && !this._historyLoads.has(this._active)) {
      resume[this._active] = this._store.contiguous(this._active);
      this._resumed.add(this._active);
    }
    if (this._resumed.size) hello.resume = resume;
    this._syncing.clear();
    this._outbox.connectionStarted();
    return hello;
  }

  private _socketOnState(state: ConnectionState): void {
    if (state === 'closed' || state === 'stopped') {
      this._outbox.connectionLost();
      this._setAgentTyping(false);
    }
    this._setConnectivity(this._socketConnectivity());
  }

  private _socketConnectivity(): Connectivity {
    const state = this._socket.state;
    if (state === 'open') return 'online';
    if (state === 'stopped') return this._stopped ? 'connecting' : 'unavailable';
    if (!this._ready && state === 'connecting') return 'connecting';
    return navigator.onLine === false ? 'offline' : 'reconnecting';
  }

  private async _socketOnFatal(code: number): Promise<void> {
    // 4001: the token is no longer accepted; one fresh session may fix it, a second 4001 will not.
    if (code === 4001 && !this._refreshedAfterFatal) {
      this._refreshedAfterFatal = true;
      if (await this._refreshSession()) this._socket.start();
      return;
    }
    this._setConnectivity('unavailable');
  }

  private async _socketBeforeReconnect(attempt: number): Promise<void> {
    // A refused upgrade (bad token, HTTP 401) looks like any network failure to a browser, so
    // every few failed attempts the session is checked over HTTP, which can say what is wrong.
    if (attempt % 3 === 2) await this._refreshSession(undefined, true);
  }

  /** Asks the relay for a session; false when it refused for good (the widget is unavailable). */
  private async _refreshSession(user?: VisitorUser, quiet = false): Promise<boolean> {
    try {
      const session = await requestSession(this.origin, this.options.siteKey, this._token, user);
      this._visitorId = session.visitorId;
      this._setToken(session.token);
      return true;
    } catch (error) {
      if (error instanceof SessionError && error.code === 'identity_invalid' && user) {
        // A wrong hash must not lock the visitor out: continue anonymous.
        return this._refreshSession(undefined, quiet);
      }
      if (error instanceof SessionError && error.fatal) {
        this._socket.stop();
        this._setConnectivity('unavailable');
        return false;
      }
      if (!quiet) {
        // The relay is unreachable: let the socket's backoff keep trying; it refreshes as it goes.
        this._socket.start();
      }
      return false;
    }
  }

  private _setToken(token: string): void {
    if (token === this._token) return;
    this._token = token;
    this._storage.write('token', token);
  }

  private _setConnectivity(value: Connectivity): void {
    if (value === this._connectivity) return;
    this._connectivity = value;
    this._changed();
  }

  // ---------------------------------------------------------------------------------------------
  // Outgoing

  /** Hands due outbox entries to the socket; called on welcome, on send and on a timer. */
  private _flush(): void {
    if (this._socket.state !== 'open') return;
    const now = Date.now();
    for (const entry of this._outbox.due(now, ACK_TIMEOUT_MS)) {
      const frame: ClientFrame = { type: 'chat.send', clientId: entry.clientId, text: entry.text };
      if (entry.conversationId) frame.conversationId = entry.conversationId;
      if (this._socket.send(frame)) this._outbox.markSent(entry.clientId, now);
    }
  }

  private _sendOrKeep(frame: ClientFrame): void {
    if (this._socket.send(frame)) return;
    this._pending = [...this._pending, frame].slice(-PENDING_LIMIT);
  }

  private _flushPending(): void {
    const pending = this._pending;
    this._pending = [];
    for (const frame of pending) this._sendOrKeep(frame);
  }

  private _pageOnChange(page: PageInfo): void {
    this._sendOrKeep({ type: 'visitor.page', url: page.url, title: page.title } satisfies ClientFrame);
  }

  private _sendTyping(typing: boolean): void {
    // Typing is ephemeral: dropped while offline, and only meaningful inside a conversation.
    if (this._active) this._socket.send({ type: 'chat.typing', conversationId: this._active, typing } satisfies ClientFrame);
  }

  private _markRead(): void {
    const active = this._active;
    if (!this._open || !active || document.visibilityState === 'hidden') return;
    const last = this._store.max(active);
    if (!this._read.advance(active, last)) return;
    this._socket.send({ type: 'chat.read', conversationId: active, seq: last } satisfies ClientFrame);
    this._changed();
  }

  private _setAgentTyping(typing: boolean): void {
    clearTimeout(this._agentTypingTimer);
    if (typing) this._agentTypingTimer = setTimeout(() => this._setAgentTyping(false), AGENT_TYPING_MS);
    if (typing === this._agentTyping) return;
    this._agentTyping = typing;
    this._changed();
  }

  // ---------------------------------------------------------------------------------------------
  // Other tabs

  private _storageOnChange(slot: StorageSlot, value: string | null): void {
    if (slot === 'outbox') {
      this._outbox.reload(value);
      return;
    }
    if (slot === 'state') {
      if (this._read.merge(value)) this._changed();
      return;
    }
    if (value === null || value === this._token) return;
    // Another tab has a session (the visitor interacted there): share it, and its consent.
    this._token = value;
    this._storage.write('token', value);
    this.interacted();
    this._store.clear();
    this._summaries.clear();
    this._active = null;
    this._socket.start();
  }

  private _persistAll(): void {
    if (this._token) this._storage.write('token', this._token);
    this._read.persist();
    this._outbox.persist();
  }

  // ---------------------------------------------------------------------------------------------
  // View

  private _changed(): void {
    if (this._changeQueued) return;
    this._changeQueued = true;
    // Many frames arrive in one task (a replay); render once for all of them.
    queueMicrotask(() => {
      this._changeQueued = false;
      this._view = this._buildView();
      if (this._view.unread !== this._unread) {
        this._unread = this._view.unread;
        this.events.emit('unread', this._unread);
      }
      this.events.emit('change', undefined);
    });
  }

  private _buildView(): WidgetView {
    const active = this._active;
    const stored = active ? this._store.list(active) : [];
    const readSeq = active ? this._read.get(active) : 0;
    return {
      open: this._open,
      connectivity: this._connectivity,
      agentsOnline: this._agentsOnline,
      messages: buildMessages(stored, this._outbox),
      agentTyping: this._agentTyping,
      unread: stored.filter((m) => m.author === 'agent' && m.seq > readSeq).length,
      language: this._language,
      strings: strings(this._language),
      maxTextLength: DEFAULT_LIMITS.maxTextLength,
    };
  }
}

function toPublic(m: Message): PublicMessage {
  const out: PublicMessage = { id: m.id, conversationId: m.conversationId, author: m.author, text: m.text, at: m.at };
  if (m.authorName) out.authorName = m.authorName;
  return out;
}
