/**
 * Callback requests in the PostgreSQL store. A retried request (same visitor and client id) is
 * found by the unique index, on any node: the insert does nothing and the stored one is returned.
 */
import type { Callback } from '@parley/protocol';
import type { PgDatabase } from './pg-database.js';
import { callbackFromRow, clampLimit, newCallbackRow, type CallbackRow } from './pg-rows.js';
import { notFound } from './storage-error.js';
import type { CallbackFilter, CallbackPatch, CallbackStore, CreateCallbackResult, NewCallback } from './storage.js';

const CALLBACK_COLUMNS =
  'id, conversation_id, visitor_id, client_id, phone, window_from, window_to, note, status, agent_id, agent_name, created_at, updated_at';

/** The callback requests of one PostgreSQL store. */
export class PgCallbacks implements CallbackStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /**
   * See `CallbackStore.createCallback`. ON CONFLICT on (visitor_id, client_id) waits for a concurrent
   * insert of the same request and then does nothing, so the second attempt reads the first.
   */
  async createCallback(input: NewCallback): Promise<CreateCallbackResult> {
    const row = newCallbackRow(input);
    const inserted = await this.#db.query<CallbackRow>(
      `INSERT INTO callbacks (${CALLBACK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (visitor_id, client_id) DO NOTHING RETURNING ${CALLBACK_COLUMNS}`,
      [row.id, row.conversation_id, row.visitor_id, row.client_id, row.phone, row.window_from, row.window_to, row.note, row.status, row.agent_id, row.agent_name, row.created_at, row.updated_at],
      'conversation or visitor',
    );
    if (inserted[0]) return { callback: callbackFromRow(inserted[0]), duplicate: false };
    const existing = await this.findCallbackByClientId(input.visitorId, input.clientId);
    if (!existing) throw notFound('callback', input.id);
    return { callback: existing, duplicate: true };
  }

  /** See `CallbackStore.getCallback`. */
  async getCallback(id: string): Promise<Callback | null> {
    const [row] = await this.#db.query<CallbackRow>(`SELECT ${CALLBACK_COLUMNS} FROM callbacks WHERE id = $1`, [id]);
    return row ? callbackFromRow(row) : null;
  }

  /** See `CallbackStore.findCallbackByClientId`. */
  async findCallbackByClientId(visitorId: string, clientId: string): Promise<Callback | null> {
    const [row] = await this.#db.query<CallbackRow>(`SELECT ${CALLBACK_COLUMNS} FROM callbacks WHERE visitor_id = $1 AND client_id = $2`, [visitorId, clientId]);
    return row ? callbackFromRow(row) : null;
  }

  /** See `CallbackStore.updateCallback`. */
  async updateCallback(id: string, patch: CallbackPatch, at: number): Promise<Callback> {
    const [row] = await this.#db.query<CallbackRow>(
      `UPDATE callbacks SET status = $2, agent_id = $3, agent_name = $4, updated_at = greatest(updated_at, $5)
       WHERE id = $1 RETURNING ${CALLBACK_COLUMNS}`,
      [id, patch.status, patch.agentId, patch.agentName, at],
    );
    if (!row) throw notFound('callback', id);
    return callbackFromRow(row);
  }

  /** See `CallbackStore.listCallbacks`. */
  async listCallbacks(filter: CallbackFilter): Promise<Callback[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => `$${params.push(value)}`;
    if (filter.siteIds !== undefined) where.push(`conversation_id IN (SELECT id FROM conversations WHERE site_id = ANY (${param(filter.siteIds)}::text[]))`);
    if (filter.visitorId !== undefined) where.push(`visitor_id = ${param(filter.visitorId)}`);
    if (filter.conversationId !== undefined) where.push(`conversation_id = ${param(filter.conversationId)}`);
    if (filter.statuses !== undefined) where.push(`status = ANY (${param(filter.statuses)}::text[])`);
    if (filter.createdSince !== undefined) where.push(`created_at >= ${param(filter.createdSince)}`);
    const rows = await this.#db.query<CallbackRow>(
      `SELECT ${CALLBACK_COLUMNS} FROM callbacks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, position DESC LIMIT ${param(clampLimit(filter.limit))}`,
      params,
    );
    return rows.map(callbackFromRow);
  }
}
