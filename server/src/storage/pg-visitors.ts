/**
 * Visitors in the PostgreSQL store: profiles, page views and events (capped per visitor), and the
 * merge of a visitor into another, with the "one open conversation per visitor" rule kept.
 */
import type { PageView, TrackedEvent } from '@parley/protocol';
import type { ChangeFeed } from './change-feed.js';
import type { PgDatabase, PgTransaction } from './pg-database.js';
import { clampLimit, CONVERSATION_COLUMNS, conversationFromRow, eventFromRow, VISITOR_COLUMNS, visitorFromRow, visitorParams, type ConversationRow, type PgEventRow, type PgVisitorRow } from './pg-rows.js';
import { definedFields, touchedVisitor } from './records.js';
import { notFound } from './storage-error.js';
import type { Visitor, VisitorPatch, VisitorStore, VisitorTouch } from './storage.js';

const PLACEHOLDERS = VISITOR_COLUMNS.split(', ').map((_, i) => `$${i + 1}`).join(', ');
/** The columns an update writes: every one but the id, the site and the first-seen time. */
const FIXED = new Set(['id', 'site_id', 'first_seen_at']);
const UPDATE_SET = VISITOR_COLUMNS.split(', ')
  .filter((column) => !FIXED.has(column))
  .map((column, i) => `${column} = $${i + 2}`)
  .join(', ');

/** The parameters of an update: the id, then the written columns in `UPDATE_SET` order. */
function updateParams(visitor: Visitor): unknown[] {
  const columns = VISITOR_COLUMNS.split(', ');
  const values = visitorParams(visitor);
  return [visitor.id, ...values.filter((_, i) => !FIXED.has(columns[i]!))];
}

/** The visitors of one PostgreSQL store. */
export class PgVisitors implements VisitorStore {
  readonly #db: PgDatabase;
  readonly #changes: ChangeFeed;

  constructor(db: PgDatabase, changes: ChangeFeed) {
    this.#db = db;
    this.#changes = changes;
  }

  /** See `VisitorStore.createVisitor`. */
  async createVisitor(visitor: Visitor): Promise<Visitor> {
    const [row] = await this.#db.query<PgVisitorRow>(
      `INSERT INTO visitors (${VISITOR_COLUMNS}) VALUES (${PLACEHOLDERS}) RETURNING ${VISITOR_COLUMNS}`,
      visitorParams(visitor),
      'site',
    );
    return this.#changed(visitorFromRow(row!));
  }

  /** See `VisitorStore.getVisitor`. */
  async getVisitor(id: string): Promise<Visitor | null> {
    const [row] = await this.#db.query<PgVisitorRow>(`SELECT ${VISITOR_COLUMNS} FROM visitors WHERE id = $1`, [id]);
    return row ? visitorFromRow(row) : null;
  }

  /** See `VisitorStore.findVisitorByUserId`: only a verified visitor holds `user_id`. */
  async findVisitorByUserId(siteId: string, userId: string): Promise<Visitor | null> {
    const [row] = await this.#db.query<PgVisitorRow>(`SELECT ${VISITOR_COLUMNS} FROM visitors WHERE site_id = $1 AND user_id = $2`, [siteId, userId]);
    return row ? visitorFromRow(row) : null;
  }

  /**
   * See `VisitorStore.updateVisitor`. Read, merged and written under a row lock: whether the user id
   * is proven or claimed depends on fields the patch may leave out.
   */
  async updateVisitor(id: string, patch: VisitorPatch): Promise<Visitor> {
    const updated = await this.#db.transaction(async (tx) => {
      const [row] = await tx.query<PgVisitorRow>(`SELECT ${VISITOR_COLUMNS} FROM visitors WHERE id = $1 FOR UPDATE`, [id]);
      if (!row) throw notFound('visitor', id);
      const visitor = visitorFromRow(row);
      const merged: Visitor = { ...visitor, ...definedFields(patch), id: visitor.id, siteId: visitor.siteId, firstSeenAt: visitor.firstSeenAt };
      const [written] = await tx.query<PgVisitorRow>(`UPDATE visitors SET ${UPDATE_SET} WHERE id = $1 RETURNING ${VISITOR_COLUMNS}`, updateParams(merged));
      return visitorFromRow(written!);
    }, 'visitor');
    return this.#changed(updated);
  }

  /**
   * See `VisitorStore.touchVisitors`. One transaction; the rows are locked together in id order
   * (as a merge locks them), so two nodes touching overlapping visitors never deadlock.
   */
  async touchVisitors(touches: readonly VisitorTouch[], keepPages?: number): Promise<void> {
    if (touches.length === 0) return;
    const byId = new Map(touches.map((touch) => [touch.visitorId, touch]));
    const written = await this.#db.transaction(async (tx) => {
      const rows = await tx.query<PgVisitorRow>(`SELECT ${VISITOR_COLUMNS} FROM visitors WHERE id = ANY ($1::text[]) ORDER BY id FOR UPDATE`, [[...byId.keys()]]);
      const visitors: Visitor[] = [];
      for (const row of rows) {
        const touch = byId.get(row.id)!;
        const visitor = touchedVisitor(visitorFromRow(row), touch);
        await tx.query(`UPDATE visitors SET ${UPDATE_SET} WHERE id = $1`, updateParams(visitor));
        for (const page of touch.pages ?? []) {
          await tx.query('INSERT INTO page_views (visitor_id, url, title, at) VALUES ($1, $2, $3, $4)', [visitor.id, page.url, page.title, page.at]);
        }
        if (keepPages !== undefined && touch.pages?.length) await this.#prune(tx, 'page_views', visitor.id, keepPages);
        visitors.push(visitor);
      }
      return visitors;
    }, 'visitor');
    for (const visitor of written) this.#changed(visitor);
  }

  /**
   * See `VisitorStore.mergeVisitor`. Both visitors and then all their conversations are locked (in id
   * order, as appends lock conversations) before anything moves. When both have an open
   * conversation, the one updated last stays open and the other is resolved first, so the
   * unique index of open conversations holds at every step.
   */
  async mergeVisitor(fromId: string, intoId: string): Promise<void> {
    if (fromId === intoId) return;
    const resolved = await this.#db.transaction(async (tx): Promise<ConversationRow[] | null> => {
      const found = await tx.query<{ id: string }>('SELECT id FROM visitors WHERE id = ANY ($1::text[]) ORDER BY id FOR UPDATE', [[fromId, intoId]]);
      if (!found.some((row) => row.id === intoId)) throw notFound('visitor', intoId);
      // A source already merged away is not an error: a retried merge must be harmless.
      if (!found.some((row) => row.id === fromId)) return null;
      const closed = await this.#closeSecondOpen(tx, fromId, intoId);
      await tx.query('UPDATE conversations SET visitor_id = $1 WHERE visitor_id = $2', [intoId, fromId]);
      await tx.query('UPDATE page_views SET visitor_id = $1 WHERE visitor_id = $2', [intoId, fromId]);
      await tx.query('UPDATE events SET visitor_id = $1 WHERE visitor_id = $2', [intoId, fromId]);
      await tx.query('UPDATE callbacks SET visitor_id = $1 WHERE visitor_id = $2', [intoId, fromId]);
      await tx.query('DELETE FROM visitors WHERE id = $1', [fromId]);
      return closed;
    });
    if (resolved === null) return;
    for (const row of resolved) this.#changes.emit({ kind: 'conversation', conversation: conversationFromRow(row) });
    this.#changes.emit({ kind: 'visitor-merged', fromId, intoId });
  }

  /** Resolves all but the most recently updated open conversation of the two visitors; returns the rows it resolved. */
  async #closeSecondOpen(tx: PgTransaction, fromId: string, intoId: string): Promise<ConversationRow[]> {
    const conversations = await tx.query<{ id: string; visitor_id: string; status: string; updated_at: number }>(
      'SELECT id, visitor_id, status, updated_at FROM conversations WHERE visitor_id = ANY ($1::text[]) ORDER BY id FOR UPDATE',
      [[fromId, intoId]],
    );
    const open = conversations.filter((row) => row.status === 'open');
    if (open.length < 2) return [];
    // The newest stays open; on a tie, the target's (the canonical visitor's) conversation.
    const keep = [...open].sort((a, b) => b.updated_at - a.updated_at || Number(b.visitor_id === intoId) - Number(a.visitor_id === intoId))[0]!;
    return tx.query<ConversationRow>(
      `UPDATE conversations SET status = 'resolved', resolved_at = updated_at WHERE id = ANY ($1::text[]) RETURNING ${CONVERSATION_COLUMNS}`,
      [open.filter((row) => row.id !== keep.id).map((row) => row.id)],
    );
  }

  /** See `VisitorStore.addPageView`. */
  async addPageView(visitorId: string, page: PageView, keep?: number): Promise<void> {
    await this.#addCapped('page_views', 'url, title, at', [page.url, page.title, page.at], visitorId, keep);
  }

  /** See `VisitorStore.listPageViews`. */
  async listPageViews(visitorId: string, limit: number): Promise<PageView[]> {
    return this.#db.query<PageView>('SELECT url, title, at FROM page_views WHERE visitor_id = $1 ORDER BY at DESC, id DESC LIMIT $2', [visitorId, clampLimit(limit)]);
  }

  /** See `VisitorStore.addEvent`. */
  async addEvent(visitorId: string, event: TrackedEvent, keep?: number): Promise<void> {
    await this.#addCapped('events', 'name, props, at', [event.name, JSON.stringify(event.props), event.at], visitorId, keep);
  }

  /** See `VisitorStore.listEvents`. */
  async listEvents(visitorId: string, limit: number): Promise<TrackedEvent[]> {
    const rows = await this.#db.query<PgEventRow>('SELECT name, props, at FROM events WHERE visitor_id = $1 ORDER BY at DESC, id DESC LIMIT $2', [visitorId, clampLimit(limit)]);
    return rows.map(eventFromRow);
  }

  /**
   * Inserts a page view or event and, with `keep`, deletes the visitor's rows beyond the newest
   * `keep` in the same transaction.
   */
  async #addCapped(table: 'page_views' | 'events', columns: string, values: unknown[], visitorId: string, keep: number | undefined): Promise<void> {
    const insert = `INSERT INTO ${table} (visitor_id, ${columns}) VALUES ($1, $2, $3, $4)`;
    if (keep === undefined) {
      await this.#db.query(insert, [visitorId, ...values], 'visitor');
      return;
    }
    await this.#db.transaction(async (tx) => {
      await tx.query(insert, [visitorId, ...values]);
      await this.#prune(tx, table, visitorId, keep);
    }, 'visitor');
  }

  /** Deletes the visitor's rows of `table` beyond the newest `keep`. */
  async #prune(tx: PgTransaction, table: 'page_views' | 'events', visitorId: string, keep: number): Promise<void> {
    await tx.query(
      `DELETE FROM ${table} WHERE visitor_id = $1 AND id IN
         (SELECT id FROM ${table} WHERE visitor_id = $1 ORDER BY at DESC, id DESC OFFSET $2)`,
      [visitorId, Math.max(0, Math.floor(keep))],
    );
  }

  /** Reports a committed visitor state to watchers (a copy: the caller gets `visitor`); returns `visitor`. */
  #changed(visitor: Visitor): Visitor {
    if (this.#changes.active) this.#changes.emit({ kind: 'visitor', visitor: structuredClone(visitor) });
    return visitor;
  }
}
