/**
 * Conversations and their messages in the PostgreSQL store; appends travel in batches
 * (`pg-append-batch.ts`).
 * A patch can be conditional (`expect`): it is one UPDATE whose WHERE clause holds the expected
 * fields, so the check and the write are one atomic step on any number of relay nodes.
 */
import type { Message } from '@parley/protocol';
import { PgAppendBatch } from './pg-append-batch.js';
import type { ChangeFeed } from './change-feed.js';
import type { PgDatabase } from './pg-database.js';
import { clampLimit, CONVERSATION_COLUMNS, conversationFromRow, MESSAGE_COLUMNS, messageFromRow, type ConversationRow, type MessageRow } from './pg-rows.js';
import { definedFields, newConversation, secondOpenConversation, staleConversation, type NewConversation } from './records.js';
import { isStorageError, notFound } from './storage-error.js';
import type { AppendResult, Conversation, ConversationExpectation, ConversationFilter, ConversationPatch, ConversationStore, NewMessage } from './storage.js';

/** The partial unique index that keeps a visitor to one open conversation (`pg-schema.ts`). */
const ONE_OPEN = 'conversations_one_open';

/** The columns a patch may set, by patch field. */
const PATCH_COLUMNS: Record<keyof ConversationPatch, string> = {
  status: 'status',
  assigneeId: 'assignee_id',
  resolvedAt: 'resolved_at',
  visitorReadSeq: 'visitor_read_seq',
  agentReadSeq: 'agent_read_seq',
};

/** The conversations of one PostgreSQL store. */
export class PgConversations implements ConversationStore {
  readonly #db: PgDatabase;
  readonly #changes: ChangeFeed;
  readonly #appends: PgAppendBatch;

  constructor(db: PgDatabase, changes: ChangeFeed) {
    this.#db = db;
    this.#changes = changes;
    this.#appends = new PgAppendBatch(db, (rows) => this.#appendsCommitted(rows));
  }

  /**
   * See `ConversationStore.createConversation`. A visitor who already has an open conversation makes the
   * partial unique index refuse it: `conflict`.
   */
  async createConversation(input: NewConversation): Promise<Conversation> {
    const start = newConversation(input);
    const [row] = await this.#db
      .query<ConversationRow>(
        `INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING ${CONVERSATION_COLUMNS}`,
        [start.id, start.siteId, start.visitorId, start.status, start.createdAt],
        'site or visitor',
      )
      .catch((error: unknown) => {
        throw secondOpenOr(error, start.visitorId);
      });
    return this.#changed(conversationFromRow(row!));
  }

  /** See `ConversationStore.getConversation`. */
  async getConversation(id: string): Promise<Conversation | null> {
    const [row] = await this.#db.query<ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1`, [id]);
    return row ? conversationFromRow(row) : null;
  }

  /** See `ConversationStore.listConversations`. */
  async listConversations(filter: ConversationFilter): Promise<Conversation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => `$${params.push(value)}`;
    if (filter.siteIds !== undefined) where.push(`site_id = ANY (${param(filter.siteIds)}::text[])`);
    if (filter.visitorId !== undefined) where.push(`visitor_id = ${param(filter.visitorId)}`);
    if (filter.status !== undefined) where.push(`status = ${param(filter.status)}`);
    if (filter.assigneeId === null) where.push('assignee_id IS NULL');
    else if (filter.assigneeId !== undefined) where.push(`assignee_id = ${param(filter.assigneeId)}`);
    if (filter.before !== undefined) where.push(`updated_at < ${param(filter.before)}`);
    if (filter.updatedAfter !== undefined) where.push(`updated_at > ${param(filter.updatedAfter)}`);
    const rows = await this.#db.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY updated_at DESC, id DESC LIMIT ${param(clampLimit(filter.limit))}`,
      params,
    );
    return rows.map(conversationFromRow);
  }

  /**
   * See `ConversationStore.updateConversation`. With `expect`, a stored row that does not match every
   * expected field is left alone and the call rejects with `conflict`. Setting status `open`
   * while the visitor has another open conversation is refused by the unique index: `conflict`.
   */
  async updateConversation(id: string, patch: ConversationPatch, at: number, expect?: ConversationExpectation): Promise<Conversation> {
    const params: unknown[] = [id];
    const param = (value: unknown): string => `$${params.push(value)}`;
    const set = Object.entries(definedFields(patch)).map(([field, value]) => `${PATCH_COLUMNS[field as keyof ConversationPatch]} = ${param(value)}`);
    set.push(`updated_at = greatest(updated_at, ${param(at)})`);
    const where = ['id = $1'];
    if (expect?.status !== undefined) where.push(`status = ${param(expect.status)}`);
    if (expect?.assigneeId !== undefined) where.push(`assignee_id IS NOT DISTINCT FROM ${param(expect.assigneeId)}::text`);
    const [row] = await this.#db
      .query<ConversationRow>(`UPDATE conversations SET ${set.join(', ')} WHERE ${where.join(' AND ')} RETURNING ${CONVERSATION_COLUMNS}`, params)
      .catch(async (error: unknown) => {
        throw secondOpenOr(error, (await this.getConversation(id))?.visitorId ?? id);
      });
    if (!row) {
      // Nothing matched: either there is no such conversation, or it is not as expected.
      if (where.length > 1 && (await this.getConversation(id))) throw staleConversation(id);
      throw notFound('conversation', id);
    }
    return this.#changed(conversationFromRow(row));
  }

  /** See `ConversationStore.appendMessage`: batched, see `pg-append-batch.ts`. */
  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.#appends.submit(message);
  }

  /** Resolves once every append queued so far has settled (before the store closes). */
  drainAppends(): Promise<void> {
    return this.#appends.drain();
  }

  /** See `ConversationStore.findMessageByClientId`. */
  async findMessageByClientId(authorId: string, clientId: string): Promise<Message | null> {
    const [row] = await this.#db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE author_id = $1 AND client_id = $2`, [authorId, clientId]);
    return row ? messageFromRow(row) : null;
  }

  /** See `ConversationStore.listMessages`. */
  async listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const rows = await this.#db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [conversationId, afterSeq, clampLimit(limit)],
    );
    return rows.map(messageFromRow);
  }

  /** Runs after a batch of appends COMMITTED, before any of its callers learns its outcome. */
  #appendsCommitted(rows: ConversationRow[]): void {
    if (!this.#changes.active) return;
    for (const row of rows) this.#changes.emit({ kind: 'conversation', conversation: conversationFromRow(row) });
  }

  /** Reports a committed conversation state to watchers (a copy: the caller gets `conversation`); returns it. */
  #changed(conversation: Conversation): Conversation {
    if (this.#changes.active) this.#changes.emit({ kind: 'conversation', conversation: structuredClone(conversation) });
    return conversation;
  }
}

/** `error`, or the contract's own refusal when it is the one-open-conversation index that refused. */
function secondOpenOr(error: unknown, visitorId: string): unknown {
  const constraint = isStorageError(error, 'conflict') ? (error.cause as { constraint?: unknown } | undefined)?.constraint : undefined;
  return constraint === ONE_OPEN ? secondOpenConversation(visitorId) : error;
}
