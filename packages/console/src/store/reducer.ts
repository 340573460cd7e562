/**
 * The console's reducer: one pure function from (state, action) to the next state. Relay frames
 * arrive as `frame` actions; the agent's own actions have their own kinds. Nothing here touches
 * the network, the DOM or the clock (time comes in with the action).
 */
import type {
  CobrowseStatus,
  ConversationSummary,
  ErrorCode,
  Message,
  ServerFrame,
  VisitorProfile,
} from '@parley/protocol';
import { COBROWSE_STREAM_TYPES, RETRYABLE_ERROR_CODES, previewText } from '@parley/protocol';
import { onCallbackItems, onCallState, onDetailCall, onWelcomeCalls, reduceCallAction, upsertCallbacks, type CallAction } from './call-reducer.js';
import { onActivity, onSummaries, upsertConversations } from './inbox-reducer.js';
import type { ConnectionStatus, ConsoleState, ConsoleView, PendingMessage, VisitorContext } from './state.js';

/** How long "Visitor is typing…" shows after a typing frame unless a newer one says otherwise. */
export const TYPING_TTL_MS = 8000;

/** Page views and events kept per visitor in the console (the relay keeps its own, larger history). */
export const CONTEXT_LIMIT = 200;


/** Everything that can change the console state. */
export type ConsoleAction =
  | { kind: 'frame'; frame: ServerFrame; now: number }
  | { kind: 'connection'; status: ConnectionStatus }
  | { kind: 'select'; conversationId: string | null }
  | { kind: 'view'; view: ConsoleView }
  | { kind: 'send'; message: PendingMessage }
  | { kind: 'retry'; clientId: string }
  | { kind: 'discard'; clientId: string }
  | { kind: 'read'; conversationId: string; seq: number }
  | { kind: 'notice'; message: string }
  | { kind: 'dismiss-notice' }
  | CallAction;

/** Merges messages into an ascending, seq-unique list (a replayed message replaces nothing). */
export function mergeMessages(list: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return list as Message[];
  const bySeq = new Map<number, Message>();
  for (const m of list) bySeq.set(m.seq, m);
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  if (!changed) return list as Message[];
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function withoutAcked(outbox: PendingMessage[], clientIds: ReadonlySet<string>): PendingMessage[] {
  if (clientIds.size === 0 || !outbox.some((p) => clientIds.has(p.clientId))) return outbox;
  return outbox.filter((p) => !clientIds.has(p.clientId));
}

/**
 * Folds one new message into its conversation's summary (seq, time, and the last message a
 * person wrote: a system line after it is not what the inbox previews; before any, it is).
 */
function summaryWithMessage(c: ConversationSummary, m: Message): ConversationSummary {
  if (m.seq <= c.lastSeq && c.lastMessage) return c;
  const keep = m.author === 'system' && c.lastMessage && c.lastMessage.author !== 'system';
  return {
    ...c,
    lastSeq: Math.max(c.lastSeq, m.seq),
    lastMessage: keep ? c.lastMessage : { text: previewText(m.text), author: m.author, at: m.at },
    updatedAt: Math.max(c.updatedAt, m.at),
    // An agent's reply means the agents' side has read everything before it.
    agentReadSeq: m.author === 'agent' ? Math.max(c.agentReadSeq, m.seq) : c.agentReadSeq,
  };
}

function addMessages(state: ConsoleState, conversationId: string, incoming: Message[], create: boolean): ConsoleState {
  const held = state.messages[conversationId];
  const messages =
    held || create ? { ...state.messages, [conversationId]: mergeMessages(held ?? [], incoming) } : state.messages;
  let conversation = state.conversations[conversationId];
  for (const m of incoming) if (conversation) conversation = summaryWithMessage(conversation, m);
  const conversations = conversation ? { ...state.conversations, [conversationId]: conversation } : state.conversations;
  const outbox = withoutAcked(state.outbox, new Set(incoming.map((m) => m.clientId)));
  let typing = state.typing;
  if (incoming.some((m) => m.author === 'visitor') && typing[conversationId] !== undefined) {
    typing = { ...typing };
    delete typing[conversationId];
  }
  return { ...state, messages, conversations, outbox, typing };
}

function emptyContext(profile: VisitorProfile): VisitorContext {
  return { profile, pages: [], events: [], past: [] };
}

function byNewest<T extends { at: number }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.at - a.at);
}

function onWelcome(state: ConsoleState, frame: Extract<ServerFrame, { type: 'welcome' }>, now: number): ConsoleState {
  // The welcome lists every open conversation; keep what it cannot (closed ones, those on screen).
  const conversations: Record<string, ConversationSummary> = {};
  for (const c of Object.values(state.conversations)) {
    if (c.status === 'resolved' || state.messages[c.id] || c.id === state.selectedId) conversations[c.id] = c;
  }
  const next = onWelcomeCalls(upsertConversations({ ...state, conversations }, frame.conversations), frame.calls);
  return {
    ...upsertCallbacks(next, frame.callbacks ?? []),
    clockOffset: frame.serverTime - now,
    me: frame.agent ?? state.me,
    connection: 'online',
    agentsOnline: frame.agentsOnline ?? state.agentsOnline,
    // Connected again: every reply not refused for good goes out again (the session resends them).
    outbox: state.outbox.map((p) => (p.permanent ? p : { ...p, status: 'sending' })),
  };
}

/**
 * Adds what a `visitor.updated` carried to what the console holds, newest first: an entry seen
 * before (the same frame twice, or a detail that already listed it) is not added again, and
 * only the newest `CONTEXT_LIMIT` are kept, so an open console does not grow without bound.
 */
function mergeNewest<T extends { at: number }>(held: T[], incoming: readonly T[] | undefined, key: (item: T) => string): T[] {
  if (!incoming || incoming.length === 0) return held;
  const seen = new Set(held.map(key));
  const fresh = incoming.filter((item) => !seen.has(key(item)));
  if (fresh.length === 0) return held;
  return byNewest([...fresh, ...held]).slice(0, CONTEXT_LIMIT);
}

function onVisitorUpdated(state: ConsoleState, frame: Extract<ServerFrame, { type: 'visitor.updated' }>): ConsoleState {
  const { visitor } = frame;
  const old = state.visitors[visitor.id] ?? emptyContext(visitor);
  const pages = mergeNewest(old.pages, frame.pages, (p) => `${p.at} ${p.url}`);
  const events = mergeNewest(old.events, frame.events, (e) => `${e.at} ${e.name}`);
  // The inbox rows of this visitor show their name and whether they are still on the site.
  let conversations = state.conversations;
  for (const c of Object.values(state.conversations)) {
    if (c.visitorId !== visitor.id) continue;
    const visitorName = visitor.name ?? c.visitorName;
    if (c.visitorName === visitorName && c.visitorOnline === visitor.online) continue;
    if (conversations === state.conversations) conversations = { ...conversations };
    conversations[c.id] = { ...c, visitorName, visitorOnline: visitor.online };
  }
  return { ...state, conversations, visitors: { ...state.visitors, [visitor.id]: { ...old, profile: visitor, pages, events } } };
}

/**
 * Refusals of these frames are not shown: page data, pointer and control frames race with the
 * visitor stopping (the state frame that follows tells the agent), and leaving a session that
 * already ended changes nothing.
 */
const SILENT_REFUSALS: ReadonlySet<string> = new Set([
  ...COBROWSE_STREAM_TYPES,
  'cobrowse.leave',
  // Signalling races with the other side ending the call; the call.state that follows says so.
  'call.signal',
  'call.connected',
  'call.end',
  'call.decline',
]);

function onCobrowseStatus(state: ConsoleState, status: CobrowseStatus): ConsoleState {
  return { ...state, cobrowse: { ...state.cobrowse, [status.conversationId]: status } };
}

/** Disconnected: no page data arrives until the relay says otherwise, so no session is live. */
function cobrowseOffline(cobrowse: ConsoleState['cobrowse']): ConsoleState['cobrowse'] {
  if (!Object.values(cobrowse).some((s) => s.live)) return cobrowse;
  const next: ConsoleState['cobrowse'] = {};
  for (const [id, s] of Object.entries(cobrowse)) next[id] = s.live ? { ...s, live: false } : s;
  return next;
}

/**
 * Errors that come just before the relay closes the connection for a restart: the console
 * reconnects by itself and its connection indicator says so, so they raise no notice.
 */
const RECONNECT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['draining', 'shutting_down']);

function onError(state: ConsoleState, frame: Extract<ServerFrame, { type: 'error' }>): ConsoleState {
  if (RECONNECT_ERRORS.has(frame.code)) return state;
  const pending = frame.ref ? state.outbox.find((p) => p.clientId === frame.ref) : undefined;
  if (!pending && frame.ref !== undefined && SILENT_REFUSALS.has(frame.ref)) return state;
  if (!pending) return { ...state, notice: frame.message };
  const permanent = !RETRYABLE_ERROR_CODES.has(frame.code);
  const outbox = state.outbox.map((p) =>
    p.clientId === frame.ref ? { ...p, status: 'failed' as const, permanent, error: permanent ? frame.message : undefined } : p,
  );
  return { ...state, outbox };
}

function onFrame(state: ConsoleState, frame: ServerFrame, now: number): ConsoleState {
  switch (frame.type) {
    case 'welcome':
      return onWelcome(state, frame, now);
    case 'chat.ack': {
      const pending = state.outbox.find((p) => p.clientId === frame.clientId);
      if (!pending) return state;
      const message: Message = {
        id: frame.messageId,
        conversationId: frame.conversationId,
        seq: frame.seq,
        clientId: frame.clientId,
        author: 'agent',
        authorId: state.me?.id ?? '',
        authorName: state.me?.name,
        text: pending.text,
        at: frame.at,
      };
      return addMessages(state, frame.conversationId, [message], false);
    }
    case 'chat.message':
      return addMessages(state, frame.message.conversationId, [frame.message], false);
    case 'chat.messages':
      return addMessages(state, frame.conversationId, frame.messages, true);
    case 'chat.typing': {
      if (frame.from !== 'visitor') return state;
      const typing = { ...state.typing };
      if (frame.typing) typing[frame.conversationId] = now + TYPING_TTL_MS;
      else delete typing[frame.conversationId];
      return { ...state, typing };
    }
    case 'chat.read': {
      const c = state.conversations[frame.conversationId];
      if (!c) return state;
      const key = frame.by === 'visitor' ? 'visitorReadSeq' : 'agentReadSeq';
      if (c[key] >= frame.seq) return state;
      return { ...state, conversations: { ...state.conversations, [c.id]: { ...c, [key]: frame.seq } } };
    }
    case 'conversation.updated':
      return onSummaries(state, [frame.conversation]);
    case 'inbox.updates':
      return onSummaries(state, frame.conversations);
    case 'inbox.activity':
      return onActivity(state, frame.conversations);
    case 'conversation.detail': {
      const c = frame.conversation;
      const next = addMessages(upsertConversations(state, [c]), c.id, frame.messages, true);
      const context: VisitorContext = {
        profile: frame.visitor,
        pages: byNewest(frame.pages),
        events: byNewest(frame.events),
        past: frame.past,
      };
      const withVisitor = { ...next, visitors: { ...next.visitors, [frame.visitor.id]: context } };
      const withCall = onDetailCall(withVisitor, c.id, frame.call);
      return onCobrowseStatus(upsertCallbacks(withCall, frame.callbacks ?? []), frame.cobrowse);
    }
    case 'cobrowse.state':
      return onCobrowseStatus(state, frame.status);
    case 'cobrowse.events':
    case 'cobrowse.snapshot':
    case 'cobrowse.pointer':
    case 'cobrowse.control':
      // Page data goes to the viewer, not the state; the others are meant for visitors.
      return state;
    case 'call.state':
      return onCallState(state, frame.call);
    case 'call.signal':
    case 'call.ice':
      // Media negotiation: the session's call channel handles it; nothing to show.
      return state;
    case 'callback.updated':
      return upsertCallbacks(state, [frame.callback]);
    case 'callback.items':
      return onCallbackItems(state, frame);
    case 'visitor.updated':
      return onVisitorUpdated(state, frame);
    case 'inbox.items':
      return upsertConversations(state, frame.conversations);
    case 'presence':
      return { ...state, agentsOnline: frame.agentsOnline };
    case 'error':
      return onError(state, frame);
    case 'visitor.identified':
    case 'pong':
      return state;
    default:
      // A frame this console does not know, from a newer relay (a console page stays open
      // across an upgrade): ignored, never the end of the state.
      return state;
  }
}

/** The next console state after `action`. */
export function reduce(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.kind) {
    case 'frame':
      return onFrame(state, action.frame, action.now);
    case 'connection': {
      if (action.status === 'online') return { ...state, connection: 'online' };
      // Not connected: replies in flight may or may not have landed; they are resent (same
      // clientId, so never twice) once the relay welcomes us again.
      const outbox = state.outbox.map((p) => (p.status === 'sending' ? { ...p, status: 'failed' as const } : p));
      return { ...state, connection: action.status, outbox, typing: {}, cobrowse: cobrowseOffline(state.cobrowse) };
    }
    case 'select':
      if (action.conversationId === null) return { ...state, selectedId: null };
      return { ...state, selectedId: action.conversationId, opened: { ...state.opened, [action.conversationId]: true } };
    case 'view':
      return { ...state, view: action.view };
    case 'send':
      return { ...state, outbox: [...state.outbox, action.message] };
    case 'retry':
      return {
        ...state,
        outbox: state.outbox.map((p) =>
          p.clientId === action.clientId ? { ...p, status: 'sending' as const, permanent: false, error: undefined } : p,
        ),
      };
    case 'discard':
      return { ...state, outbox: state.outbox.filter((p) => p.clientId !== action.clientId) };
    case 'read': {
      const c = state.conversations[action.conversationId];
      if (!c || c.agentReadSeq >= action.seq) return state;
      return { ...state, conversations: { ...state.conversations, [c.id]: { ...c, agentReadSeq: action.seq } } };
    }
    case 'notice':
      return { ...state, notice: action.message };
    case 'dismiss-notice':
      return { ...state, notice: null };
    case 'call-declined':
    case 'call-media':
    case 'call-left':
      return reduceCallAction(state, action);
  }
}
