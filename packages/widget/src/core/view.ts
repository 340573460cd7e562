/**
 * The snapshot the UI renders: plain data, rebuilt after every change, so components never reach
 * into the session, socket or stores.
 */
import type { Author, Message } from '@parley/protocol';
import type { CobrowseView } from './cobrowse.js';
import type { Language, Strings } from './i18n.js';
import type { Outbox } from './outbox.js';

/** Delivery status of one of the visitor's own messages. */
export type DeliveryStatus = 'sending' | 'sent' | 'failed';

/** How the link to the relay looks to the visitor. */
export type Connectivity = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'unavailable';

/** One line of the message list. */
export interface ViewMessage {
  /** Stable key: the client id (the message id for messages without one). */
  key: string;
  author: Author;
  authorName?: string;
  text: string;
  at: number;
  /** Set on the visitor's own messages. */
  status?: DeliveryStatus;
}

/** Everything the UI shows. */
export interface WidgetView {
  open: boolean;
  connectivity: Connectivity;
  /** Agents online, or -1 while the relay has not said. */
  agentsOnline: number;
  messages: ViewMessage[];
  agentTyping: boolean;
  unread: number;
  language: Language;
  strings: Strings;
  maxTextLength: number;
  /** `Start a call` may be pressed: a conversation exists to call in, or no agent is online (it opens the callback form). */
  callable: boolean;
  /** A co-browse question for the visitor, or this page being shared; null when neither, or while the co-browse UI loads. */
  cobrowse: CobrowseView | null;
}

/** The message list: stored messages in seq order, then the outbox, without doubles. */
export function buildMessages(stored: readonly Message[], outbox: Outbox): ViewMessage[] {
  const out: ViewMessage[] = [];
  const acked = new Set<string>();
  for (const m of stored) {
    acked.add(m.clientId);
    // Keyed by client id so a message keeps its element when its ack arrives.
    const line: ViewMessage = { key: m.clientId || m.id, author: m.author, text: m.text, at: m.at };
    if (m.authorName) line.authorName = m.authorName;
    if (m.author === 'visitor') line.status = 'sent';
    out.push(line);
  }
  for (const e of outbox.entries) {
    if (acked.has(e.clientId)) continue;
    out.push({ key: e.clientId, author: 'visitor', text: e.text, at: e.at, status: outbox.status(e.clientId) });
  }
  return out;
}
