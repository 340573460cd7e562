/**
 * The SQLite statements of account administration: console sessions (sign-in, sign-out,
 * revocation, the sweep's liveness check), removing an agent and removing a site with
 * everything of it. Kept apart from the hot-path statements; prepared on first use.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AgentSession, SiteRemoval } from './storage.js';

/** Session ids checked per query; a sweep over more connections runs several. */
const IDS_PER_QUERY = 500;

/** Account administration on one SQLite connection. */
export class SqliteAdmin {
  readonly #db: Database;
  readonly #insertSession: Statement<[string, string, number, number]>;
  readonly #pruneSessions: Statement<[number]>;
  readonly #endSession: Statement<[string]>;
  readonly #endSessions: Statement<[string]>;
  readonly #deleteAgent: Statement<[string]>;
  readonly #liveSessions = new Map<number, Statement<unknown[], { id: string }>>();

  constructor(db: Database) {
    this.#db = db;
    this.#insertSession = db.prepare('INSERT INTO agent_sessions (id, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.#pruneSessions = db.prepare('DELETE FROM agent_sessions WHERE expires_at <= ?');
    this.#endSession = db.prepare('DELETE FROM agent_sessions WHERE id = ?');
    this.#endSessions = db.prepare('DELETE FROM agent_sessions WHERE agent_id = ?');
    // agent_sessions rows go with the cascade.
    this.#deleteAgent = db.prepare('DELETE FROM agents WHERE id = ?');
  }

  /** See `Storage.createAgentSession`. */
  createSession(session: AgentSession): void {
    this.#db.transaction(() => {
      this.#pruneSessions.run(session.createdAt);
      this.#insertSession.run(session.id, session.agentId, session.createdAt, session.expiresAt);
    })();
  }

  /** See `Storage.liveAgentSessions`. */
  liveSessions(ids: readonly string[], now: number): Set<string> {
    const live = new Set<string>();
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + IDS_PER_QUERY);
      for (const row of this.#liveStatement(chunk.length).all(...chunk, now)) live.add(row.id);
    }
    return live;
  }

  /** See `Storage.endAgentSession`. */
  endSession(id: string): boolean {
    return this.#endSession.run(id).changes > 0;
  }

  /** See `Storage.endAgentSessions`. */
  endSessions(agentId: string): number {
    return this.#endSessions.run(agentId).changes;
  }

  /** See `Storage.deleteAgent`. */
  deleteAgent(id: string): boolean {
    return this.#deleteAgent.run(id).changes > 0;
  }

  /** See `Storage.deleteSite`. One immediate transaction: a reader never sees half a site. */
  deleteSite(id: string): SiteRemoval | null {
    const db = this.#db;
    return db.transaction((): SiteRemoval | null => {
      if (!db.prepare('SELECT 1 FROM sites WHERE id = ?').get(id)) return null;
      const inSite = 'SELECT id FROM conversations WHERE site_id = ?';
      const count = (sql: string): number => (db.prepare(sql).get(id) as { n: number }).n;
      const removal: SiteRemoval = {
        visitors: count('SELECT count(*) AS n FROM visitors WHERE site_id = ?'),
        conversations: count('SELECT count(*) AS n FROM conversations WHERE site_id = ?'),
        messages: count(`SELECT count(*) AS n FROM messages WHERE conversation_id IN (${inSite})`),
        callbacks: count(`SELECT count(*) AS n FROM callbacks WHERE conversation_id IN (${inSite})`),
      };
      db.prepare(`DELETE FROM messages WHERE conversation_id IN (${inSite})`).run(id);
      db.prepare(`DELETE FROM callbacks WHERE conversation_id IN (${inSite})`).run(id);
      db.prepare('DELETE FROM conversations WHERE site_id = ?').run(id);
      // Page views and events go with the cascade.
      db.prepare('DELETE FROM visitors WHERE site_id = ?').run(id);
      db.prepare('DELETE FROM sites WHERE id = ?').run(id);
      return removal;
    }).immediate();
  }

  /** The liveness query for `n` ids (a handful of sizes in practice: one per sweep's tail). */
  #liveStatement(n: number): Statement<unknown[], { id: string }> {
    let statement = this.#liveSessions.get(n);
    if (!statement) {
      const marks = Array.from({ length: n }, () => '?').join(', ');
      statement = this.#db.prepare<unknown[], { id: string }>(`SELECT id FROM agent_sessions WHERE id IN (${marks}) AND expires_at > ?`);
      this.#liveSessions.set(n, statement);
    }
    return statement;
  }
}
