/**
 * Agents in the PostgreSQL store: accounts, console sessions and site memberships.
 */
import type { PgDatabase, PgTransaction } from './pg-database.js';
import { agentFromRow, agentParams, type AgentRow } from './pg-rows.js';
import { emailKey } from './records.js';
import { notFound } from './storage-error.js';
import type { Agent, AgentSession, AgentStore } from './storage.js';

const AGENT_COLUMNS = 'id, email, email_key, name, role, password_hash, created_at';

/** The agents, sessions and memberships of one PostgreSQL store. */
export class PgAgents implements AgentStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** See `AgentStore.createAgent`. */
  async createAgent(agent: Agent): Promise<Agent> {
    const [row] = await this.#db.query<AgentRow>(
      `INSERT INTO agents (${AGENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${AGENT_COLUMNS}`,
      agentParams(agent),
    );
    return agentFromRow(row!);
  }

  /** See `AgentStore.getAgent`. */
  async getAgent(id: string): Promise<Agent | null> {
    const [row] = await this.#db.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = $1`, [id]);
    return row ? agentFromRow(row) : null;
  }

  /** See `AgentStore.getAgentByEmail`. */
  async getAgentByEmail(email: string): Promise<Agent | null> {
    const [row] = await this.#db.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE email_key = $1`, [emailKey(email)]);
    return row ? agentFromRow(row) : null;
  }

  /** See `AgentStore.listAgents`. */
  async listAgents(): Promise<Agent[]> {
    const rows = await this.#db.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY created_at, position`);
    return rows.map(agentFromRow);
  }

  /** See `AgentStore.updateAgent`. No field of an agent is nullable, so a null parameter means "keep". */
  async updateAgent(id: string, patch: Partial<Omit<Agent, 'id' | 'createdAt'>>): Promise<Agent> {
    const [row] = await this.#db.query<AgentRow>(
      `UPDATE agents SET email = coalesce($2, email), email_key = coalesce($3, email_key), name = coalesce($4, name),
         role = coalesce($5, role), password_hash = coalesce($6, password_hash)
       WHERE id = $1 RETURNING ${AGENT_COLUMNS}`,
      [id, patch.email ?? null, patch.email === undefined ? null : emailKey(patch.email), patch.name ?? null, patch.role ?? null, patch.passwordHash ?? null],
    );
    if (!row) throw notFound('agent', id);
    return agentFromRow(row);
  }

  /** See `AgentStore.deleteAgent`. Sessions and memberships go with the cascades. */
  async deleteAgent(id: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM agents WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  /** See `AgentStore.createAgentSession`. */
  async createAgentSession(session: AgentSession): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query('DELETE FROM agent_sessions WHERE expires_at <= $1', [session.createdAt]);
      await tx.query('INSERT INTO agent_sessions (id, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
        session.id,
        session.agentId,
        session.createdAt,
        session.expiresAt,
      ]);
    }, 'agent');
  }

  /** See `AgentStore.liveAgentSessions`. One query whatever the number of ids. */
  async liveAgentSessions(ids: readonly string[], now: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.#db.query<{ id: string }>('SELECT id FROM agent_sessions WHERE id = ANY ($1::text[]) AND expires_at > $2', [ids, now]);
    return new Set(rows.map((row) => row.id));
  }

  /** See `AgentStore.endAgentSession`. */
  async endAgentSession(id: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM agent_sessions WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  /** See `AgentStore.endAgentSessions`. */
  async endAgentSessions(agentId: string): Promise<number> {
    return (await this.#db.query('DELETE FROM agent_sessions WHERE agent_id = $1 RETURNING id', [agentId])).length;
  }

  /** See `AgentStore.listAgentSites`. */
  async listAgentSites(agentId: string): Promise<string[]> {
    const rows = await this.#db.query<{ site_id: string }>(
      `SELECT agent_sites.site_id FROM agent_sites JOIN sites ON sites.id = agent_sites.site_id
       WHERE agent_sites.agent_id = $1 ORDER BY sites.created_at, sites.position`,
      [agentId],
    );
    return rows.map((row) => row.site_id);
  }

  /** See `AgentStore.addAgentSites`. An unknown site fails the foreign key, and the transaction adds nothing. */
  async addAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await this.#requireAgent(tx, agentId);
      await tx.query('INSERT INTO agent_sites (agent_id, site_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [agentId, siteIds]);
    }, 'site');
  }

  /** See `AgentStore.removeAgentSites`. */
  async removeAgentSites(agentId: string, siteIds: string[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await this.#requireAgent(tx, agentId);
      await tx.query('DELETE FROM agent_sites WHERE agent_id = $1 AND site_id = ANY ($2::text[])', [agentId, siteIds]);
    });
  }

  async #requireAgent(tx: PgTransaction, id: string): Promise<void> {
    // FOR SHARE: the agent cannot be deleted before the transaction ends.
    const rows = await tx.query('SELECT 1 FROM agents WHERE id = $1 FOR SHARE', [id]);
    if (rows.length === 0) throw notFound('agent', id);
  }
}
