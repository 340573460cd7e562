/**
 * Message appends of the SQLite store, group-committed (`group-commit.ts`): the appends made in
 * one turn of the event loop share one IMMEDIATE transaction, and each caller's promise settles
 * only after that commit, so an acknowledged message is durable.
 *
 * A batch first runs every append straight in the transaction. Should one be refused (unknown
 * conversation, clashing message id), that whole attempt rolls back and the batch runs again
 * with each append in its own savepoint, so the refused one rolls back alone. Savepoints cost two
 * statements per append and refusals are rare, so the common batch pays for none.
 */
import type { Database } from 'better-sqlite3';
import { messageFromRow, type ConversationRow, type MessageRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';
import { GroupCommit, type Settled } from './group-commit.js';
import { notFound } from './storage-error.js';
import { guarded, translateSqliteError } from './translate-sqlite-error.js';
import type { AppendResult, NewMessage } from './storage.js';

/** What the append batch needs from the store that owns it. */
export interface SqliteAppendBatchOptions {
  /** The store's connection, whose schema is migrated before the first append commits. */
  db: Database;
  /** The store's prepared statements (read on each batch: they are prepared after migrating). */
  statements: () => Statements;
  /**
   * Called once per committed batch, before any caller's promise settles: `appended` counts the
   * batch's inputs (refused ones included) and `conversations` holds, in order, each conversation
   * row a NEW message changed (a deduplicated retry changes nothing).
   */
  onCommit: (appended: number, conversations: ConversationRow[]) => void;
}

/** The appends of one SQLite connection, queued per event-loop turn and committed together. */
export class SqliteAppendBatch {
  readonly #statements: () => Statements;
  readonly #queue: GroupCommit<NewMessage, AppendResult>;

  constructor(options: SqliteAppendBatchOptions) {
    const { db, onCommit } = options;
    this.#statements = options.statements;
    const appendAll = db.transaction((inputs: NewMessage[]): Settled<Appended>[] =>
      inputs.map((input) => {
        try {
          return { ok: true, value: this.#appendOne(input) };
        } catch (error) {
          throw new AppendRefused(error);
        }
      }),
    );
    // A nested better-sqlite3 transaction is a savepoint: a refused append rolls back alone.
    const appendInSavepoint = db.transaction((input: NewMessage) => this.#appendOne(input));
    const appendEach = db.transaction((inputs: NewMessage[]): Settled<Appended>[] =>
      inputs.map((input) => {
        try {
          return { ok: true, value: appendInSavepoint(input) };
        } catch (error) {
          return { ok: false, error: translateSqliteError(error, 'conversation') };
        }
      }),
    );
    const commitBatch = (inputs: NewMessage[]): Settled<Appended>[] => {
      try {
        return appendAll.immediate(inputs);
      } catch (error) {
        if (!(error instanceof AppendRefused)) throw error;
        return appendEach.immediate(inputs);
      }
    };
    this.#queue = new GroupCommit((inputs) => {
      const outcomes = commitBatch(inputs);
      const changed: ConversationRow[] = [];
      const results = outcomes.map((outcome): Settled<AppendResult> => {
        if (!outcome.ok) return outcome;
        if (outcome.value.conversation) changed.push(outcome.value.conversation);
        return { ok: true, value: outcome.value.result };
      });
      onCommit(inputs.length, changed);
      return results;
    });
  }

  /** Queues an append; resolves once the batch holding it has committed. */
  submit(input: NewMessage): Promise<AppendResult> {
    return this.#queue.submit(input);
  }

  /**
   * Commits every queued append now. The store calls this before any read or write of
   * conversations and messages, so that call sees the appends made before it, as if appends
   * were not batched.
   */
  flush(): void {
    this.#queue.flush();
  }

  /** Dedupe, take the next seq, insert: the body of one append inside the batch's transaction. */
  #appendOne(input: NewMessage): Appended {
    const sql = this.#statements();
    const existing = sql.messageByClientId.get(input.authorId, input.clientId);
    if (existing) return { result: { message: messageFromRow(existing), duplicate: true }, conversation: null };
    const advanced = sql.advanceConversation.get({
      id: input.conversationId,
      text: input.text,
      author: input.author,
      at: input.at,
    });
    if (!advanced) throw notFound('conversation', input.conversationId);
    const row: MessageRow = {
      id: input.id,
      conversation_id: input.conversationId,
      seq: advanced.last_seq,
      client_id: input.clientId,
      author: input.author,
      author_id: input.authorId,
      author_name: input.authorName ?? null,
      text: input.text,
      at: input.at,
    };
    // A clash here (a reused message id) rolls back the seq taken above with the transaction.
    guarded('conversation', () => sql.insertMessage.run(row));
    return { result: { message: messageFromRow(row), duplicate: false }, conversation: advanced };
  }
}

/** Thrown inside a batch's straight attempt when one append is refused: the batch redoes with savepoints. */
class AppendRefused extends Error {
  constructor(cause: unknown) {
    super('An append of the batch was refused.', { cause });
  }
}

/** One append inside a batch: its result, and the conversation's row after it (null for a duplicate). */
interface Appended {
  result: AppendResult;
  conversation: ConversationRow | null;
}
