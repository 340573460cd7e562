/**
 * One booted widget: builds the parts (session, socket, outbox, conversations, view) around a
 * shared context and offers the visitor's actions as methods. Relay frames go to
 * `relay-frames.ts`, other tabs' writes to `tab-sync.ts`; each concern lives in its own file.
 */
import { DEFAULT_LIMITS } from '@parley/protocol';
import type { Attributes, ClientFrame, CobrowseScope } from '@parley/protocol';
import { AgentTyping } from './agent-typing.js';
import type { BootOptions } from './boot-options.js';
import { watchBrowserSignals } from './browser-signals.js';
import { callDo } from './call.js';
import { answerCobrowse, cobrowseView, endCobrowse, newCobrowseState, stopCobrowse } from './cobrowse.js';
import type { CobrowseUi } from './cobrowse-ui-host.js';
import { buildHello, socketOnState, socketUrl } from './connection.js';
import type { WidgetContext } from './context.js';
import { ConversationStore } from './conversation-store.js';
import { enqueue, startRetrying } from './delivery.js';
import { Emitter } from './emitter.js';
import { GatedStorage } from './gated-storage.js';
import { pickLanguage } from './i18n.js';
import { Outbox } from './outbox.js';
import { PageTracker } from './page-tracker.js';
import { setPanel } from './panel.js';
import { ReadState } from './read-state.js';
import { socketOnFrame } from './relay-frames.js';
import { refreshSession, socketBeforeReconnect, socketOnFatal } from './session-refresh.js';
import { RelaySocket } from './socket.js';
import type { WebSocketFactory } from './socket.js';
import { allowStorage, persistAll } from './storage-consent.js';
import { storageOnChange } from './tab-sync.js';
import { TypingSender } from './typing-sender.js';
import { buildView, ViewPublisher } from './view-publisher.js';
import type { WidgetView } from './view.js';
import { VisitorReports } from './visitor-reports.js';
import type { IdentifyOptions } from './visitor-reports.js';
import type { WidgetEvents } from './widget-events.js';

/** A running widget for one site. */
export class Widget {
  /** Public events and the UI's `change`. */
  readonly events = new Emitter<WidgetEvents>();
  private readonly _ctx: WidgetContext;
  private readonly _views: ViewPublisher;
  private readonly _typing: TypingSender;
  private readonly _pages: PageTracker;
  private _unwatch: (() => void)[] = [];

  /** `origin` is the relay's, e.g. `https://chat.example.com`. */
  constructor(
    origin: string,
    readonly options: BootOptions,
    WebSocketImpl?: WebSocketFactory,
  ) {
    const storage = new GatedStorage(options.siteKey, false);
    const token = storage.read('token');
    // A stored token means the visitor interacted before: writing again needs no new consent.
    if (options.persist || token !== null) storage.allow();
    const changed = () => this._views.changed();
    const ctx: WidgetContext = {
      origin,
      options,
      language: pickLanguage(options.language),
      events: this.events,
      storage,
      socket: new RelaySocket({
        url: () => socketUrl(ctx),
        hello: () => buildHello(ctx),
        onFrame: (frame) => socketOnFrame(ctx, frame),
        onState: (state) => socketOnState(ctx, state),
        onFatal: (code) => void socketOnFatal(ctx, code),
        beforeReconnect: (attempt) => socketBeforeReconnect(ctx, attempt),
        WebSocket: WebSocketImpl,
      }),
      outbox: new Outbox(storage, changed),
      store: new ConversationStore(),
      read: new ReadState(storage),
      agentTyping: new AgentTyping(changed),
      reports: new VisitorReports((frame) => ctx.socket.send(frame)),
      cobrowse: newCobrowseState(),
      call: { ui: null, slot: null },
      summaries: new Map(),
      historyLoads: new Set(),
      syncing: new Set(),
      resumed: new Set(),
      token,
      visitorId: '',
      active: null,
      open: false,
      layer: null,
      agentsOnline: -1,
      connectivity: 'connecting',
      ready: false,
      stopped: false,
      refreshedAfterFatal: false,
      reportedUnreachable: false,
      changed,
    };
    this._ctx = ctx;
    this._views = new ViewPublisher(this.events, () => buildView(ctx));
    this._pages = new PageTracker((page) => ctx.reports.page(page));
    // Typing is ephemeral: dropped while offline, and only meaningful inside a conversation.
    this._typing = new TypingSender((typing) => {
      if (ctx.active) ctx.socket.send({ type: 'chat.typing', conversationId: ctx.active, typing } satisfies ClientFrame);
    });
  }

  /** The current snapshot for the UI. */
  get view(): WidgetView {
    return this._views.view;
  }

  /** The co-browse prompt and indicator, once their chunk loaded (`view.cobrowse` is null before). */
  get cobrowseUi(): CobrowseUi | null {
    return this._ctx.cobrowse.ui;
  }

  /** Gets a session and connects. */
  async start(): Promise<void> {
    const ctx = this._ctx;
    ctx.storage.watch((slot, value) => storageOnChange(ctx, slot, value));
    this._pages.start();
    this._unwatch = [watchBrowserSignals(ctx), startRetrying(ctx)];
    if (ctx.storage.allowed) persistAll(ctx);
    // A stored token goes straight to the socket; the session request is only needed without one.
    const needsSession = !ctx.token || this.options.user !== undefined;
    if (needsSession && !(await refreshSession(ctx, this.options.user))) return;
    ctx.socket.start();
  }

  /** Disconnects and removes every trace: listeners, timers, and, when `forget`, the stored session. */
  stop(forget: boolean): void {
    const ctx = this._ctx;
    ctx.stopped = true;
    ctx.socket.stop();
    this._pages.stop();
    ctx.storage.unwatch();
    this._typing.stop();
    for (const unwatch of this._unwatch.splice(0)) unwatch();
    ctx.agentTyping.stop();
    stopCobrowse(ctx);
    ctx.call.ui?.then((ui) => ui.stop(), () => undefined);
    if (forget) ctx.storage.clear();
    this.events.clear();
  }

  /** Opens or closes the panel. */
  setOpen(open: boolean): void {
    const ctx = this._ctx;
    if (open === ctx.open) return;
    if (open) allowStorage(ctx);
    else this._typing.stop();
    setPanel(ctx, open);
  }

  /**
   * Opens a closed panel, closes an open one. Reads the live state, not `view.open`: the view is
   * rebuilt a microtask later, so `open` then `toggle` in one task must close again.
   */
  toggle(): void {
    this.setOpen(!this._ctx.open);
  }

  /** Queues a message for delivery; false when it is empty or too long. */
  send(text: string): boolean {
    const body = text.trim();
    if (!body || body.length > DEFAULT_LIMITS.maxTextLength) return false;
    allowStorage(this._ctx);
    this._typing.stop();
    enqueue(this._ctx, body);
    return true;
  }

  /** The visitor typed in the composer. */
  typing(): void {
    this._typing.input();
  }

  /** The visitor answered the co-browse prompt on screen (share the page, or allow control). */
  answerCobrowse(granted: boolean): void {
    const asked = cobrowseView(this._ctx);
    if (asked?.ask) answerCobrowse(this._ctx, asked.conversationId, granted);
  }

  /** The visitor stops sharing the page (`view`) or takes back control (`control`). */
  endCobrowse(scope: CobrowseScope): void {
    const shared = cobrowseView(this._ctx);
    if (shared?.sharing) endCobrowse(this._ctx, shared.conversationId, scope);
  }

  /** The visitor pressed `Start a call` (while no agent is online: the callback form opens). */
  startCall(): void {
    allowStorage(this._ctx);
    callDo(this._ctx, (ui) => ui.start());
  }

  /** The panel's call slot, where the call chunk shows its UI (null: the panel closed). A stable function, for a ref. */
  readonly attachCallSlot = (slot: HTMLElement | null): void => {
    const call = this._ctx.call;
    call.slot = slot;
    call.ui?.then((ui) => ui.place(slot), () => undefined);
  };

  /** The UI's overlay element, where co-browse draws the agent's pointer (null: unmounted). */
  attachLayer(layer: HTMLElement | null): void {
    this._ctx.layer = layer;
  }

  /** Names the host page's user (verified when `userHash` is right). */
  identify(options: IdentifyOptions): void {
    this._ctx.reports.identify(options);
  }

  /** Records a host-page event for the agent. */
  track(event: string, props?: Attributes): void {
    this._ctx.reports.track(event, props);
  }
}
