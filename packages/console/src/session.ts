/**
 * The live console session: wires the socket to the store and carries out what follows from
 * frames (resend the outbox after a welcome, resync a gap, mark what the agent views as read,
 * announce new waiting conversations, ask for the conversations activity named that it does not
 * hold, follow calls with the call channel, keep the callback tasks listed). The signed-in
 * lifetime of the console is one session.
 */
import type {
  AgentFrame,
  CallbackListFrame,
  CallbackUpdateFrame,
  ChatReadFrame,
  ChatSendFrame,
  CobrowsePointerKind,
  CobrowseScope,
  ConversationAssignFrame,
  ConversationOpenFrame,
  ConversationStatusFrame,
  HelloFrame,
  InboxListFrame,
  ServerFrame,
} from '@parley/protocol';
import { DEFAULT_LIMITS, INBOX_VIEWS, PROTOCOL_VERSION } from '@parley/protocol';
import { nanoid } from 'nanoid';
import type { BackoffOptions } from './backoff.js';
import type { ConsoleActions } from './actions.js';
import { CallChannel } from './call/channel.js';
import type { CallMedia } from './call/media.js';
import { browserCallMedia } from './call/webrtc.js';
import { CobrowseChannel, type CobrowseControlInput, type CobrowseWatcher } from './cobrowse-channel.js';
import { InboxFetcher } from './inbox-fetcher.js';
import { saveOutbox } from './local-store.js';
import { ReconnectingSocket, socketUrl, type SocketCloseInfo, type WebSocketLike } from './socket.js';
import { behindSummary, syncNeeded } from './store/gaps.js';
import { lastLoadedSeq, newlyWaiting, resumePoints } from './store/selectors.js';
import type { ConsoleState, ConsoleView } from './store/state.js';
import type { Store } from './store/store.js';
import { readTokenClaims, tokenExpired } from './token.js';
import { TypingThrottle } from './typing-throttle.js';

/** Messages shown on the sign-in form when the session ends by itself. */
export const SIGNED_OUT_MESSAGES = {
  expired: 'Your session has expired. Please sign in again.',
  invalid: 'Your session is no longer valid. Please sign in again.',
} as const;

/** Connection attempts refused before opening, while the relay is up, before the token is blamed. */
const REFUSALS_BEFORE_SIGN_OUT = 3;
/** Wait for a retryable refusal (rate limit) before sending a reply again. */
const RETRY_AFTER_MS = 2000;
/** How long a summary may run ahead of the held messages before the console asks for them. */
const CATCH_UP_GRACE_MS = 800;

/** What the session needs from the page. */
export interface SessionOptions {
  token: string;
  store: Store;
  location: Pick<Location, 'protocol' | 'host'>;
  /** The session ended without the agent asking (expired or refused token). */
  onSignedOut(message: string): void;
  /** Conversations that just started waiting (the app plays the chime). */
  onNewWaiting?(conversationIds: string[]): void;
  createWebSocket?(url: string): WebSocketLike;
  /** Reconnect timing (tests shorten it). */
  backoff?: BackoffOptions;
  fetchImpl?: typeof fetch;
  /** Whether the agent can see the page (reads are only reported then). */
  isVisible?(): boolean;
  now?(): number;
  /** The microphone and peer links of calls (tests fake them). */
  callMedia?: CallMedia;
}

/** One signed-in console session. */
export class ConsoleSession implements ConsoleActions {
  private readonly options: SessionOptions;
  private readonly store: Store;
  private readonly socket: ReconnectingSocket;
  private readonly typing: TypingThrottle;
  private readonly cobrowse: CobrowseChannel;
  private readonly calls: CallChannel;
  private readonly inboxFetcher: InboxFetcher;
  private readonly readSent = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private unsubscribe: (() => void) | null = null;
  private readonly agentId: string;
  private refusals = 0;
  private ended = false;

  constructor(options: SessionOptions) {
    this.options = options;
    this.store = options.store;
    this.agentId = readTokenClaims(options.token)?.sub ?? '';
    this.socket = new ReconnectingSocket({
      url: socketUrl(options.location, options.token),
      hello: () => this.hello(),
      onFrame: (frame) => this.socketOnFrame(frame),
      onOpen: () => this.socketOnOpen(),
      onClose: (info) => this.socketOnClose(info),
      createWebSocket: options.createWebSocket,
      backoff: options.backoff,
    });
    this.typing = new TypingThrottle((conversationId, typing) => {
      this.send({ type: 'chat.typing', conversationId, typing });
    });
    this.cobrowse = new CobrowseChannel((frame) => this.send(frame), () => this.now());
    this.inboxFetcher = new InboxFetcher((frame) => this.send(frame));
    this.calls = new CallChannel({ send: (frame) => this.send(frame), store: this.store, media: options.callMedia ?? browserCallMedia, newId: nanoid });
  }

  /** Connects, unless the token already expired (then signs out at once). */
  start(): void {
    if (tokenExpired(this.options.token, this.now())) {
      this.end(SIGNED_OUT_MESSAGES.expired);
      return;
    }
    this.unsubscribe = this.store.subscribe((state, previous) => this.storeOnChange(state, previous));
    this.socket.start();
  }

  /** Disconnects for good (sign-out, page unload). */
  stop(): void {
    this.ended = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.typing.stop();
    this.cobrowse.stop();
    this.calls.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.socket.stop();
  }

  /** Re-checks what the agent is looking at; call when the page becomes visible. */
  visibilityChanged(): void {
    this.markViewedRead(this.store.getState());
  }

  selectView(view: ConsoleView): void {
    this.store.dispatch({ kind: 'view', view });
    // The tasks may have changed while the view was hidden (other agents, other relay nodes).
    if (view === 'callbacks') this.send({ type: 'callback.list', filter: 'open' } satisfies CallbackListFrame);
  }

  openConversation(conversationId: string): void {
    if (this.store.getState().selectedId !== conversationId) this.typing.stop();
    this.store.dispatch({ kind: 'select', conversationId });
    this.send({ type: 'conversation.open', conversationId } satisfies ConversationOpenFrame);
  }

  closeConversation(): void {
    this.typing.stop();
    this.store.dispatch({ kind: 'select', conversationId: null });
  }

  sendReply(conversationId: string, text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    this.typing.stop();
    const clientId = nanoid();
    const open = this.socket.open && this.store.getState().connection === 'online';
    this.store.dispatch({
      kind: 'send',
      message: { clientId, conversationId, text: trimmed, createdAt: this.now(), status: open ? 'sending' : 'failed' },
    });
    if (open) this.send({ type: 'chat.send', clientId, conversationId, text: trimmed } satisfies ChatSendFrame);
  }

  retryReply(clientId: string): void {
    this.store.dispatch({ kind: 'retry', clientId });
    const pending = this.store.getState().outbox.find((p) => p.clientId === clientId);
    if (pending) this.sendPending([pending]);
  }

  discardReply(clientId: string): void {
    this.store.dispatch({ kind: 'discard', clientId });
  }

  assignToMe(conversationId: string): void {
    this.send({ type: 'conversation.assign', conversationId } satisfies ConversationAssignFrame);
  }

  resolve(conversationId: string): void {
    this.send({ type: 'conversation.resolve', conversationId } satisfies ConversationStatusFrame);
  }

  reopen(conversationId: string): void {
    this.send({ type: 'conversation.reopen', conversationId } satisfies ConversationStatusFrame);
  }

  typingInput(conversationId: string): void {
    this.typing.input(conversationId);
  }

  typingStop(): void {
    this.typing.stop();
  }

  dismissNotice(): void {
    this.store.dispatch({ kind: 'dismiss-notice' });
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  requestCobrowse(conversationId: string, scope: CobrowseScope): void {
    this.cobrowse.request(conversationId, scope);
  }

  endCobrowse(conversationId: string, scope: CobrowseScope): void {
    this.cobrowse.end(conversationId, scope);
  }

  watchCobrowse(conversationId: string, watcher: CobrowseWatcher): () => void {
    return this.cobrowse.watch(conversationId, watcher);
  }

  resyncCobrowse(conversationId: string): void {
    this.cobrowse.resync(conversationId);
  }

  pointCobrowse(conversationId: string, kind: CobrowsePointerKind, node: number, x: number, y: number): void {
    this.cobrowse.point(conversationId, kind, node, x, y);
  }

  controlCobrowse(conversationId: string, input: CobrowseControlInput): void {
    this.cobrowse.control(conversationId, input);
  }

  startCall(conversationId: string): void {
    this.calls.start(conversationId);
  }

  acceptCall(callId: string): void {
    this.calls.accept(callId);
  }

  declineCall(callId: string): void {
    this.calls.decline(callId);
  }

  endCall(callId: string): void {
    this.calls.end(callId);
  }

  muteCall(callId: string, muted: boolean): void {
    this.calls.setMuted(callId, muted);
  }

  attachCallAudio(element: HTMLAudioElement | null): void {
    this.calls.attachAudio(element);
  }

  updateCallback(callbackId: string, status: CallbackUpdateFrame['status']): void {
    this.send({ type: 'callback.update', callbackId, status } satisfies CallbackUpdateFrame);
  }

  private hello(): HelloFrame {
    const resume = resumePoints(this.store.getState(), DEFAULT_LIMITS.maxResume);
    const frame: HelloFrame = { type: 'hello', v: PROTOCOL_VERSION };
    if (Object.keys(resume).length) frame.resume = resume;
    return frame;
  }

  private send(frame: AgentFrame): boolean {
    return this.socket.send(frame);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.ended) fn();
    }, ms);
    this.timers.add(t);
  }

  private sendPending(list: ConsoleState['outbox']): void {
    for (const p of list) {
      if (p.permanent) continue;
      this.send({ type: 'chat.send', clientId: p.clientId, conversationId: p.conversationId, text: p.text } satisfies ChatSendFrame);
    }
  }

  private socketOnOpen(): void {
    this.refusals = 0;
  }

  private socketOnFrame(frame: ServerFrame): void {
    if (frame.type === 'cobrowse.events') {
      // Page data: straight to the viewer, never through the store.
      this.cobrowse.route(frame);
      return;
    }
    const before = this.store.getState();
    const sync = syncNeeded(before, frame);
    this.store.dispatch({ kind: 'frame', frame, now: this.now() });
    if (sync) this.send(sync);
    const after = this.store.getState();
    this.calls.route(frame);
    switch (frame.type) {
      case 'welcome':
        this.afterWelcome(after);
        break;
      case 'conversation.updated':
      case 'inbox.updates':
      case 'inbox.activity': {
        if (frame.type === 'inbox.activity') {
          this.inboxFetcher.afterActivity(after, frame);
        } else {
          if (frame.type === 'inbox.updates') this.inboxFetcher.afterUpdates(frame);
          // Only whole summaries can start one waiting: activity moves no status or assignee.
          const fresh = newlyWaiting(before, after);
          if (fresh.length) this.options.onNewWaiting?.(fresh);
        }
        const id = after.selectedId;
        const named = frame.type === 'conversation.updated' ? frame.conversation.id === id : frame.conversations.some((c) => c.id === id);
        if (id !== null && named && behindSummary(after, id)) this.catchUpLater(id);
        break;
      }
      case 'error': {
        const pending = frame.ref ? after.outbox.find((p) => p.clientId === frame.ref) : undefined;
        if (pending && !pending.permanent) {
          this.later(() => this.retryReply(pending.clientId), RETRY_AFTER_MS);
        }
        break;
      }
      default:
        break;
    }
  }

  private afterWelcome(state: ConsoleState): void {
    this.readSent.clear();
    this.inboxFetcher.reset();
    for (const view of INBOX_VIEWS) this.send({ type: 'inbox.list', view } satisfies InboxListFrame);
    if (state.selectedId) this.send({ type: 'conversation.open', conversationId: state.selectedId } satisfies ConversationOpenFrame);
    this.cobrowse.rejoinAll();
    // The open callback tasks: the nav item's count, and the view if it is shown.
    this.send({ type: 'callback.list', filter: 'open' } satisfies CallbackListFrame);
    // Same clientIds as before: the relay acks a message it already holds without storing it twice.
    this.sendPending(state.outbox);
  }

  private catchUpLater(conversationId: string): void {
    this.later(() => {
      const state = this.store.getState();
      if (behindSummary(state, conversationId)) {
        this.send({ type: 'chat.sync', conversationId, afterSeq: lastLoadedSeq(state, conversationId) });
      }
    }, CATCH_UP_GRACE_MS);
  }

  private socketOnClose(info: SocketCloseInfo): void {
    if (this.ended) return;
    if (info.fatal) {
      if (info.code === 4001) this.end(SIGNED_OUT_MESSAGES.expired);
      else {
        this.store.dispatch({ kind: 'connection', status: 'offline' });
        this.store.dispatch({ kind: 'notice', message: 'This console is out of date. Reload the page.' });
      }
      return;
    }
    this.store.dispatch({ kind: 'connection', status: 'reconnecting' });
    if (!info.opened) {
      this.refusals += 1;
      if (this.refusals >= REFUSALS_BEFORE_SIGN_OUT) void this.checkTokenRefused();
    }
  }

  /**
   * A browser does not reveal the HTTP status of a refused upgrade. When the relay is ready
   * (`/readyz`) yet keeps refusing the socket, the token is the likely cause: ask for a new
   * sign-in. A relay that is draining for a restart, or cannot reach its store, answers `/readyz`
   * with 503 while it refuses sockets for those reasons: keep retrying then.
   */
  private async checkTokenRefused(): Promise<void> {
    if (tokenExpired(this.options.token, this.now())) {
      this.end(SIGNED_OUT_MESSAGES.expired);
      return;
    }
    const fetchImpl = this.options.fetchImpl ?? globalThis.fetch;
    try {
      const response = await fetchImpl('/readyz', { cache: 'no-store' });
      if (response.ok && !this.ended && this.refusals >= REFUSALS_BEFORE_SIGN_OUT) this.end(SIGNED_OUT_MESSAGES.invalid);
    } catch {
      // The relay itself is down: keep retrying with backoff.
    }
  }

  private end(message: string): void {
    if (this.ended) return;
    this.stop();
    this.options.onSignedOut(message);
  }

  private storeOnChange(state: ConsoleState, previous: ConsoleState): void {
    if (state.outbox !== previous.outbox) saveOutbox(this.agentId, state.outbox);
    // Deferred: dispatching from inside a listener would hand later listeners a stale state.
    queueMicrotask(() => this.markViewedRead(this.store.getState()));
  }

  private markViewedRead(state: ConsoleState): void {
    const id = state.selectedId;
    if (!id || this.ended || state.connection !== 'online') return;
    if (this.options.isVisible && !this.options.isVisible()) return;
    const c = state.conversations[id];
    const seq = lastLoadedSeq(state, id);
    if (!c || seq <= c.agentReadSeq || this.readSent.get(id) === seq) return;
    if (this.send({ type: 'chat.read', conversationId: id, seq } satisfies ChatReadFrame)) {
      this.readSent.set(id, seq);
      this.store.dispatch({ kind: 'read', conversationId: id, seq });
    }
  }
}
