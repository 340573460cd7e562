// The relays the bench compares, one table column each, and the database and bus servers they
// run on. PostgreSQL is fresh per column (neither Parley column inherits the other's tables) and
// lives through every part of the run; one redis-server is shared by both two-node columns, so
// Parley's cluster and Socket.IO's Redis adapter run on the very same Redis.
import { startPostgres, startRedis } from '../../examples/cluster/servers.mjs';

/**
 * @typedef {{ key: string, kind: 'parley' | 'socketio' | 'bare', nodes: number, postgres?: boolean,
 *   redis?: boolean, title: string, short: string }} Column
 */

/** @type {Column[]} Every column, in table order. */
export const COLUMNS = [
  { key: 'sqlite', kind: 'parley', nodes: 1, title: 'Parley (SQLite, sync=normal)', short: 'SQLite' },
  { key: 'postgres', kind: 'parley', nodes: 1, postgres: true, title: 'Parley (PostgreSQL, 1 node)', short: 'PG' },
  { key: 'cluster', kind: 'parley', nodes: 2, postgres: true, redis: true, title: 'Parley (2 nodes, PG + Redis)', short: '2 nodes' },
  { key: 'socketio', kind: 'socketio', nodes: 1, title: 'Socket.IO (acked in memory)', short: 'Socket.IO' },
  { key: 'socketioCluster', kind: 'socketio', nodes: 2, redis: true, title: 'Socket.IO (2 nodes, Redis adapter)', short: 'SIO 2 nodes' },
  { key: 'bare', kind: 'bare', nodes: 1, title: 'bare ws (no persistence)', short: 'bare' },
];

/**
 * The columns this run measures: `opts.cluster` false leaves out those needing PostgreSQL or
 * Redis, `opts.socketio` false the Socket.IO ones.
 * @returns {Column[]}
 */
export function columnsFor(opts) {
  return COLUMNS.filter((c) => (opts.cluster || (!c.postgres && !c.redis)) && (opts.socketio || c.kind !== 'socketio'));
}

/** The servers of a run, started when a column first needs them and stopped together. */
export class Servers {
  /** @type {Map<string, Promise<{ url: string, stop(): Promise<void> }>>} */
  #postgres = new Map();
  /** @type {Promise<{ url: string, stop(): Promise<void> }> | null} */
  #redis = null;

  /** The environment a relay child of `column` needs (database and bus URLs). */
  async env(column) {
    const env = {};
    if (column.postgres) {
      if (!this.#postgres.has(column.key)) this.#postgres.set(column.key, startPostgres());
      env.PARLEY_BENCH_DATABASE_URL = (await this.#postgres.get(column.key)).url;
    }
    if (column.redis) {
      this.#redis ??= startRedis();
      env.PARLEY_BENCH_REDIS_URL = (await this.#redis).url;
    }
    return env;
  }

  /** Stops every server started (and removes its files). */
  async stop() {
    const all = [...this.#postgres.values(), ...(this.#redis ? [this.#redis] : [])];
    await Promise.all(all.map((p) => p.then((server) => server.stop()).catch(() => undefined)));
    this.#postgres.clear();
    this.#redis = null;
  }
}
