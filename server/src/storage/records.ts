/**
 * Rules about records that every Storage implementation shares, so the drivers cannot drift
 * apart on defaults or key normalisation.
 */
import type { Callback } from '@parley/protocol';
import { StorageError } from './storage-error.js';
import type { Conversation, ConversationExpectation, NewCallback, Visitor, VisitorTouch } from './storage.js';

/** What `createConversation` receives. */
export type NewConversation = Pick<Conversation, 'id' | 'siteId' | 'visitorId' | 'createdAt'>;

/** A conversation as it starts: open, unassigned, no messages, nothing read. */
export function newConversation(input: NewConversation): Conversation {
  return {
    id: input.id,
    siteId: input.siteId,
    visitorId: input.visitorId,
    status: 'open',
    assigneeId: null,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    resolvedAt: null,
    lastSeq: 0,
    lastMessage: null,
    firstResponseAt: null,
    visitorReadSeq: 0,
    agentReadSeq: 0,
  };
}

/** A visitor as first seen: anonymous, unverified, nothing known yet. */
export function newVisitor(id: string, siteId: string, at: number): Visitor {
  return {
    id,
    siteId,
    userId: null,
    name: null,
    email: null,
    verified: false,
    attributes: {},
    browser: null,
    os: null,
    language: null,
    currentPage: null,
    firstSeenAt: at,
    lastSeenAt: at,
  };
}

/**
 * The lookup key of an agent email. JavaScript's lower-casing is used rather than SQLite's
 * NOCASE, which folds ASCII only, so every driver matches the same emails.
 */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The patch without keys whose value is `undefined`: `{ name: undefined }` means "not given",
 * not "erase", so a stored field is never cleared by accident.
 */
export function definedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A visitor after a touch (see `VisitorStore.touchVisitors`): last seen never earlier, the
 * current page never replaced by an earlier one, every other field as it was.
 */
export function touchedVisitor(visitor: Visitor, touch: VisitorTouch): Visitor {
  const touched: Visitor = { ...visitor, lastSeenAt: Math.max(visitor.lastSeenAt, touch.lastSeenAt) };
  if (touch.browser !== undefined) touched.browser = touch.browser;
  if (touch.os !== undefined) touched.os = touch.os;
  if (touch.language !== undefined) touched.language = touch.language;
  if (touch.currentPage !== undefined && !(visitor.currentPage && visitor.currentPage.at > touch.currentPage.at)) {
    touched.currentPage = touch.currentPage;
  }
  return touched;
}

/** A callback request as it starts: requested, nobody on it yet. */
export function newCallback(input: NewCallback): Callback {
  return {
    id: input.id,
    conversationId: input.conversationId,
    visitorId: input.visitorId,
    phone: input.phone,
    window: input.window === null ? null : { from: input.window.from, to: input.window.to },
    note: input.note,
    status: 'requested',
    agentId: null,
    agentName: null,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
  };
}

/** True when `conversation` holds every field `expect` names (see `ConversationExpectation`). */
export function meetsExpectation(conversation: Conversation, expect: ConversationExpectation | undefined): boolean {
  if (!expect) return true;
  if (expect.status !== undefined && conversation.status !== expect.status) return false;
  if (expect.assigneeId !== undefined && conversation.assigneeId !== expect.assigneeId) return false;
  return true;
}

/** The refusal of a conditional write whose expectation no longer holds. */
export function staleConversation(id: string): StorageError {
  return new StorageError('conflict', `Conversation ${JSON.stringify(id)} changed before this write; read it again.`);
}

/** The refusal of a second open conversation of one visitor. */
export function secondOpenConversation(visitorId: string): StorageError {
  return new StorageError('conflict', `Visitor ${JSON.stringify(visitorId)} already has an open conversation.`);
}
