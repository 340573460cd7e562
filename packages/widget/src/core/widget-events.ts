/** The events a widget emits: the public ones a host page hears, plus `change` for the UI. */
import type { CallEndReason, CallParty, CallPhase, Message } from '@parley/protocol';

/** A message as the host page's `message` listeners receive it. */
export interface PublicMessage {
  id: string;
  conversationId: string;
  author: Message['author'];
  authorName?: string;
  text: string;
  at: number;
}

/**
 * The `cobrowse` event: whether this page is being shared with an agent, and whether the agent
 * may control it. Emitted when either changes.
 */
export interface CobrowseEvent {
  sharing: boolean;
  control: boolean;
}

/**
 * The `call` event: a call this tab rings for or takes part in moved on. `caller` says who
 * started it; `reason` is set once it ended.
 */
export interface CallEvent {
  phase: CallPhase;
  caller: CallParty;
  reason?: CallEndReason;
}

/** The public events, plus `change` for the UI. */
export interface WidgetEvents extends Record<string, unknown> {
  ready: undefined;
  open: undefined;
  close: undefined;
  message: PublicMessage;
  unread: number;
  cobrowse: CobrowseEvent;
  call: CallEvent;
  change: undefined;
}

/** The host page's copy of a message: no seq, client id or author id, which are the relay's business. */
export function toPublicMessage(m: Message): PublicMessage {
  const out: PublicMessage = { id: m.id, conversationId: m.conversationId, author: m.author, text: m.text, at: m.at };
  if (m.authorName) out.authorName = m.authorName;
  return out;
}
