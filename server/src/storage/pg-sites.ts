/**
 * Sites in the PostgreSQL store: create, read, update, and removing a site with everything of
 * it in one transaction.
 */
import type { PgDatabase } from './pg-database.js';
import { siteFromRow, siteParams, type PgSiteRow } from './pg-rows.js';
import { notFound } from './storage-error.js';
import type { Site, SiteRemoval, SiteStore } from './storage.js';

const SITE_COLUMNS = 'id, key, name, secret, allowed_origins, created_at';

/** The sites of one PostgreSQL store. */
export class PgSites implements SiteStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** See `SiteStore.createSite`. */
  async createSite(site: Site): Promise<Site> {
    const [row] = await this.#db.query<PgSiteRow>(
      `INSERT INTO sites (${SITE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SITE_COLUMNS}`,
      siteParams(site),
      'site',
    );
    return siteFromRow(row!);
  }

  /** See `SiteStore.getSite`. */
  async getSite(id: string): Promise<Site | null> {
    const [row] = await this.#db.query<PgSiteRow>(`SELECT ${SITE_COLUMNS} FROM sites WHERE id = $1`, [id]);
    return row ? siteFromRow(row) : null;
  }

  /** See `SiteStore.getSiteByKey`. */
  async getSiteByKey(key: string): Promise<Site | null> {
    const [row] = await this.#db.query<PgSiteRow>(`SELECT ${SITE_COLUMNS} FROM sites WHERE key = $1`, [key]);
    return row ? siteFromRow(row) : null;
  }

  /** See `SiteStore.listSites`. */
  async listSites(): Promise<Site[]> {
    const rows = await this.#db.query<PgSiteRow>(`SELECT ${SITE_COLUMNS} FROM sites ORDER BY created_at, position`);
    return rows.map(siteFromRow);
  }

  /** See `SiteStore.updateSite`. No field of a site is nullable, so a null parameter means "keep". */
  async updateSite(id: string, patch: Partial<Omit<Site, 'id' | 'createdAt'>>): Promise<Site> {
    const [row] = await this.#db.query<PgSiteRow>(
      `UPDATE sites SET key = coalesce($2, key), name = coalesce($3, name), secret = coalesce($4, secret),
         allowed_origins = coalesce($5::json, allowed_origins)
       WHERE id = $1 RETURNING ${SITE_COLUMNS}`,
      [id, patch.key ?? null, patch.name ?? null, patch.secret ?? null, patch.allowedOrigins ? JSON.stringify(patch.allowedOrigins) : null],
      'site',
    );
    if (!row) throw notFound('site', id);
    return siteFromRow(row);
  }

  /**
   * See `SiteStore.deleteSite`. The site's conversations are locked first, in id order (the order
   * appends lock them in), so a removal and a batch of appends queue rather than deadlock.
   */
  async deleteSite(id: string): Promise<SiteRemoval | null> {
    return this.#db.transaction(async (tx) => {
      const [site] = await tx.query<{ id: string }>('SELECT id FROM sites WHERE id = $1 FOR UPDATE', [id]);
      if (!site) return null;
      await tx.query('SELECT 1 FROM conversations WHERE site_id = $1 ORDER BY id FOR UPDATE', [id]);
      const inSite = 'SELECT id FROM conversations WHERE site_id = $1';
      const [counts] = await tx.query<SiteRemoval>(
        `SELECT
           (SELECT count(*) FROM visitors WHERE site_id = $1) AS visitors,
           (SELECT count(*) FROM conversations WHERE site_id = $1) AS conversations,
           (SELECT count(*) FROM messages WHERE conversation_id IN (${inSite})) AS messages,
           (SELECT count(*) FROM callbacks WHERE conversation_id IN (${inSite})) AS callbacks`,
        [id],
      );
      await tx.query(`DELETE FROM messages WHERE conversation_id IN (${inSite})`, [id]);
      await tx.query(`DELETE FROM callbacks WHERE conversation_id IN (${inSite})`, [id]);
      await tx.query('DELETE FROM conversations WHERE site_id = $1', [id]);
      // Page views, events and memberships go with the cascades.
      await tx.query('DELETE FROM visitors WHERE site_id = $1', [id]);
      await tx.query('DELETE FROM sites WHERE id = $1', [id]);
      return { visitors: counts!.visitors, conversations: counts!.conversations, messages: counts!.messages, callbacks: counts!.callbacks };
    });
  }
}
