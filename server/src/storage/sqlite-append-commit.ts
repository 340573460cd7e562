/**
 * How a batch of message appends commits on a SQLite connection: one IMMEDIATE transaction
 * running, per append, the dedupe lookup on author and client id, taking the next seq, and the
 * insert (`APPEND_SQL`).
 *
 * The batch first runs every append straight in the transaction. Should one be refused (unknown
 * conversation, clashing message id), that whole attempt rolls back and the batch runs again
 * with each append in its own savepoint, so the refused one rolls back alone. Savepoints cost
 * two statements per append and refusals are rare, so the common batch pays for none.
 *
 * The same function commits on the relay's own connection and inside the append worker, which
 * gets it as source text (`createAppendCommitter.toString()`): it must use nothing from outside
 * its own body, and it answers in plain data a thread can pass back.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { APPEND_SQL } from './sqlite-statements.js';
import type { ConversationRow, MessageRow } from './sqlite-rows.js';
import type { NewMessage } from './storage.js';
import { notFound } from './storage-error.js';
import { translateSqliteError } from './translate-sqlite-error.js';

/** Why one append was refused, or a whole batch failed: enough to rebuild the error. */
export type AppendFault =
  | { kind: 'not_found'; conversationId: string }
  | { kind: 'sqlite'; code: string; message: string }
  | { kind: 'other'; message: string };

/** One append's outcome: the stored message (the earlier one for a retried client id), and the conversation's row after it (null for a retry). */
export type AppendOutcome =
  | { ok: true; message: MessageRow; duplicate: boolean; conversation: ConversationRow | null }
  | { ok: false; fault: AppendFault };

/** A batch's answer: an outcome per input, in order, or the fault that failed its transaction whole. */
export type BatchAnswer = { outcomes: AppendOutcome[] } | { failed: AppendFault };

/** Prepares the append statements on `db` (migrated) and returns the function that commits a batch. */
export function createAppendCommitter(db: Database, sql: typeof APPEND_SQL): (inputs: readonly NewMessage[]) => BatchAnswer {
  const byClientId = db.prepare<[string, string], MessageRow>(sql.messageByClientId);
  const advance = db.prepare<{ id: string; text: string; author: string; at: number }, ConversationRow>(sql.advanceConversation);
  const insert = db.prepare<MessageRow>(sql.insertMessage);

  class NoConversation extends Error {
    constructor(readonly conversationId: string) {
      super('No such conversation.');
    }
  }
  class Refused extends Error {
    constructor(readonly reason: unknown) {
      super('An append of the batch was refused.');
    }
  }
  const faultOf = (error: unknown): AppendFault => {
    if (error instanceof NoConversation) return { kind: 'not_found', conversationId: error.conversationId };
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return { kind: 'sqlite', code, message: String(message) };
    return { kind: 'other', message: String(message ?? error) };
  };
  const appendOne = (input: NewMessage): AppendOutcome => {
    const existing = byClientId.get(input.authorId, input.clientId);
    if (existing) return { ok: true, message: existing, duplicate: true, conversation: null };
    const conversation = advance.get({ id: input.conversationId, text: input.text, author: input.author, at: input.at });
    if (!conversation) throw new NoConversation(input.conversationId);
    const message: MessageRow = {
      id: input.id,
      conversation_id: input.conversationId,
      seq: conversation.last_seq,
      client_id: input.clientId,
      author: input.author,
      author_id: input.authorId,
      author_name: input.authorName ?? null,
      text: input.text,
      at: input.at,
    };
    // A clash here (a reused message id) rolls back the seq taken above with the transaction.
    insert.run(message);
    return { ok: true, message, duplicate: false, conversation };
  };
  const appendAll = db.transaction((inputs: readonly NewMessage[]) =>
    inputs.map((input) => {
      try {
        return appendOne(input);
      } catch (error) {
        throw new Refused(error);
      }
    }),
  );
  // A nested transaction is a savepoint: a refused append rolls back alone.
  const appendInSavepoint = db.transaction(appendOne);
  const appendEach = db.transaction((inputs: readonly NewMessage[]) =>
    inputs.map((input): AppendOutcome => {
      try {
        return appendInSavepoint(input);
      } catch (error) {
        return { ok: false, fault: faultOf(error) };
      }
    }),
  );
  return (inputs) => {
    try {
      try {
        return { outcomes: appendAll.immediate(inputs) };
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        return { outcomes: appendEach.immediate(inputs) };
      }
    } catch (error) {
      return { failed: faultOf(error) };
    }
  };
}

/**
 * The error a fault stands for, as the store's own connection would have thrown it: a missing
 * conversation or a taken key become StorageErrors; other driver errors stay SqliteErrors with
 * their code (busy, full, I/O), so callers tell them apart as they always did.
 */
export function errorOf(fault: AppendFault): unknown {
  switch (fault.kind) {
    case 'not_found':
      return notFound('conversation', fault.conversationId);
    case 'sqlite':
      return translateSqliteError(new BetterSqlite3.SqliteError(fault.message, fault.code), 'conversation');
    default:
      return new Error(fault.message);
  }
}
