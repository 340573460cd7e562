/**
 * The core's side of co-browse: keeps each conversation's co-browse state as the relay sends it,
 * asks the visitor (opening the panel), answers for them, and runs the recording chunk while this
 * tab is the one sharing. Two chunks, both loaded with `import()` and never imported statically:
 * the UI chunk (prompt and indicator) with the first state that shows either, and the recording
 * chunk only once the visitor consented.
 */
import type {
  ClientFrame,
  CobrowseControlFrame,
  CobrowsePointerFrame,
  CobrowseScope,
  CobrowseSnapshotFrame,
  CobrowseStatus,
} from '@parley/protocol';
import type { CobrowseSession, StartCobrowse } from './cobrowse-host.js';
import type { CobrowseUi } from './cobrowse-ui-host.js';
import { tabId } from './cobrowse-tab.js';
import type { WidgetContext } from './context.js';
import { setPanel } from './panel.js';
import { allowStorage } from './storage-consent.js';

/** The co-browse part of the widget's context. */
export interface CobrowseState {
  /** Each conversation's state, as the relay last sent it (adjusted at once by the visitor's own stop). */
  readonly statuses: Map<string, CobrowseStatus>;
  /** The recording, while this tab shares. */
  session: CobrowseSession | null;
  /** The conversation the recording is for. */
  sessionFor: string | null;
  /** The link dropped since the recording's stream began: frames may be lost. */
  stale: boolean;
  /** Conversations the visitor stopped sharing, until the relay agrees (the stop may be lost offline). */
  readonly ended: Set<string>;
  /** The request the visitor already answered (its prompt is gone). */
  answered: string | null;
  /** What the host page last heard (`sharing`/`control` as one key). */
  announced: string;
  /** The prompt and indicator, once their chunk loaded; until then the view shows no co-browse. */
  ui: CobrowseUi | null;
  /** The UI chunk's load, once started (null again after a failed one, for the next state to retry). */
  uiLoad: Promise<void> | null;
}

/** The part of the view the co-browse UI needs. */
export interface CobrowseView {
  conversationId: string;
  /** The agent's name, or null when the relay did not say. */
  agent: string | null;
  /** The question waiting for the visitor, if any. */
  ask: CobrowseScope | null;
  /** This tab's page is being shared. */
  sharing: boolean;
  /** The agent may control this page. */
  control: boolean;
}

/** Fresh co-browse state. */
export function newCobrowseState(): CobrowseState {
  return {
    statuses: new Map(), ended: new Set(), session: null, sessionFor: null, stale: false, answered: null, announced: 'false,false',
    ui: null, uiLoad: null,
  };
}

let chunk: Promise<StartCobrowse> | null = null;

/** Loads the co-browse chunk once (only ever after consent). */
function loadChunk(): Promise<StartCobrowse> {
  chunk ??= import('../cobrowse/cobrowse.js').then((m) => m.startCobrowse);
  // A failed load (network) may be retried by the next state.
  chunk.catch(() => (chunk = null));
  return chunk;
}

/**
 * Shows the co-browse UI: at once when its chunk is loaded, else once it is (`open`: the panel
 * opens then too, for a request, so the prompt is there to take focus when it does).
 */
function showUi(ctx: WidgetContext, open: boolean): void {
  const state = ctx.cobrowse;
  const shown = () => {
    if (open) setPanel(ctx, true);
    ctx.changed();
  };
  if (state.ui) return shown();
  state.uiLoad ??= import('../cobrowse-ui/consent.js').then((m) => {
    state.ui = m.startConsent(ctx.layer?.parentNode as ShadowRoot | null);
  });
  state.uiLoad.then(shown, () => (state.uiLoad = null));
}

/** The question or sharing this tab shows, if any. */
export function cobrowseView(ctx: WidgetContext): CobrowseView | null {
  let found: CobrowseView | null = null;
  for (const s of ctx.cobrowse.statuses.values()) {
    const sharing = s.view === 'active' && s.source === true;
    const ask =
      s.requestId === ctx.cobrowse.answered ? null
      : s.view === 'requested' ? 'view'
      : sharing && s.control === 'requested' ? 'control'
      : null;
    if (!ask && !sharing) continue;
    found = { conversationId: s.conversationId, agent: s.agentName, ask, sharing, control: sharing && s.control === 'active' };
    if (ask) break;
  }
  return found;
}

/** The relay sent a conversation's co-browse state. */
export function socketOnCobrowseState(ctx: WidgetContext, status: CobrowseStatus): void {
  takeStatus(ctx, status);
  syncCobrowse(ctx);
}

/**
 * The connection is (again) up: the welcome names every conversation whose co-browse is not all
 * off. Any other is off now, whatever this tab believed (a relay that restarted forgot it).
 */
export function cobrowseOnWelcome(ctx: WidgetContext, statuses: readonly CobrowseStatus[]): void {
  const listed = new Set(statuses.map((status) => status.conversationId));
  for (const id of ctx.cobrowse.statuses.keys()) if (!listed.has(id)) ctx.cobrowse.statuses.delete(id);
  for (const id of ctx.cobrowse.ended) if (!listed.has(id)) ctx.cobrowse.ended.delete(id);
  for (const status of statuses) takeStatus(ctx, status);
  syncCobrowse(ctx);
}

function takeStatus(ctx: WidgetContext, status: CobrowseStatus): void {
  const { statuses, ended } = ctx.cobrowse;
  const id = status.conversationId;
  const previous = statuses.get(id);
  if (status.view !== 'active') ended.delete(id);
  else if (ended.has(id)) {
    // The visitor stopped while the stop could not reach the relay: say it again, never resume.
    sendEnd(ctx, id, 'view');
    return;
  }
  statuses.set(id, status);
  const asking =
    status.requestId !== null &&
    status.requestId !== previous?.requestId &&
    (status.view === 'requested' || (status.source === true && status.control === 'requested'));
  // A request brings the prompt into view; it does not count as the visitor interacting.
  if (asking) showUi(ctx, true);
}

/** The relay asks for a fresh full snapshot. */
export function socketOnCobrowseSnapshot(ctx: WidgetContext, frame: CobrowseSnapshotFrame): void {
  if (ctx.cobrowse.sessionFor === frame.conversationId) ctx.cobrowse.session?.snapshot();
}

/** An agent points at something, or acts on the page. */
export function socketOnCobrowseAgent(ctx: WidgetContext, frame: CobrowsePointerFrame | CobrowseControlFrame): void {
  const session = ctx.cobrowse.sessionFor === frame.conversationId ? ctx.cobrowse.session : null;
  if (!session) return;
  if (frame.type === 'cobrowse.pointer') session.pointer(frame);
  else session.control(frame);
}

/** The link dropped: the recording's next frames may have a hole, so it restarts once back. */
export function cobrowseOnDisconnect(ctx: WidgetContext): void {
  if (ctx.cobrowse.sessionFor) ctx.cobrowse.stale = true;
}

/** The visitor answered the prompt of conversation `conversationId`. */
export function answerCobrowse(ctx: WidgetContext, conversationId: string, granted: boolean): void {
  const status = ctx.cobrowse.statuses.get(conversationId);
  const requestId = status?.requestId;
  if (!status || !requestId) return;
  if (granted) allowStorage(ctx);
  const frame = {
    type: 'cobrowse.consent',
    conversationId,
    requestId,
    granted,
    tab: tabId(ctx.options.siteKey, granted),
  } satisfies ClientFrame;
  ctx.socket.send(frame);
  ctx.cobrowse.answered = requestId;
  // Fetch the recorder while the relay confirms, so sharing starts sooner.
  if (granted && status.view === 'requested') void loadChunk().catch(() => undefined);
  ctx.changed();
}

/** The visitor stops sharing (`view`) or takes back control; effective here at once. */
export function endCobrowse(ctx: WidgetContext, conversationId: string, scope: CobrowseScope): void {
  const status = ctx.cobrowse.statuses.get(conversationId);
  if (!status) return;
  sendEnd(ctx, conversationId, scope);
  if (scope === 'view') ctx.cobrowse.ended.add(conversationId);
  ctx.cobrowse.statuses.set(
    conversationId,
    scope === 'view'
      ? { ...status, view: 'off', control: 'off', requestId: null, since: null, source: false }
      : { ...status, control: 'off' },
  );
  syncCobrowse(ctx);
}

function sendEnd(ctx: WidgetContext, conversationId: string, scope: CobrowseScope): void {
  ctx.socket.send({ type: 'cobrowse.end', conversationId, scope } satisfies ClientFrame);
}

/** Stops the recording for good (the widget shuts down). */
export function stopCobrowse(ctx: WidgetContext): void {
  ctx.cobrowse.statuses.clear();
  syncCobrowse(ctx);
}

/** Starts, restarts or stops the recording to match the states, then tells the UI and host page. */
function syncCobrowse(ctx: WidgetContext): void {
  const state = ctx.cobrowse;
  const view = cobrowseView(ctx);
  const wanted = view?.sharing ? view.conversationId : null;
  if (state.sessionFor !== wanted) {
    state.session?.stop();
    state.session = null;
    state.sessionFor = wanted;
    state.stale = false;
    if (wanted) startSession(ctx, wanted);
  } else if (state.session && state.stale) {
    // Back after a drop and the relay says we still share: a new stream, starting with a full snapshot.
    state.stale = false;
    state.session.restart();
  }
  if (view) showUi(ctx, false);
  const announced = `${!!view?.sharing},${!!view?.control}`;
  if (announced !== state.announced) {
    state.announced = announced;
    ctx.events.emit('cobrowse', { sharing: !!view?.sharing, control: !!view?.control });
  }
  ctx.changed();
}

function startSession(ctx: WidgetContext, conversationId: string): void {
  loadChunk()
    .then((start) => {
      const state = ctx.cobrowse;
      // The state may have moved on while the chunk loaded.
      if (state.sessionFor !== conversationId || state.session || ctx.stopped) return;
      state.stale = false;
      state.session = start({
        conversationId,
        unmask: ctx.options.cobrowse?.unmask ?? [],
        layer: ctx.layer,
        send: (frame) => ctx.socket.send(frame),
        controlling: () => ctx.cobrowse.statuses.get(conversationId)?.control === 'active',
      });
    })
    .catch((error: unknown) => {
      console.error('Parley: co-browse could not start', error);
      // Agents would wait for a page that never comes: end the sharing instead.
      if (ctx.cobrowse.sessionFor === conversationId) endCobrowse(ctx, conversationId, 'view');
    });
}
