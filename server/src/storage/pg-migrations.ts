/**
 * Applies the PostgreSQL schema (`pg-schema.ts`). Everything happens in ONE transaction that
 * first takes a transaction-level advisory lock: when several relay nodes start at once, the
 * first migrates and the others wait, then find the schema current and apply nothing. DDL is
 * transactional in PostgreSQL, so a failure leaves the database as it was. The version table is
 * `parley_schema_migrations`, a name no other application's migrations use.
 */
import type { PgTransaction } from './pg-database.js';
import { SchemaTooNewError, type Migration } from './migrations.js';
import { PG_MIGRATIONS } from './pg-schema.js';

/** The advisory lock key of migrations ("parley" in ASCII), shared by every node. */
const MIGRATION_LOCK = 0x706172_6c6579;

/** What `migrate` needs: one connection of its own, for the transaction. */
type Connection = PgTransaction;

/**
 * Brings the database up to the newest of `migrations` and returns the versions it applied
 * (none when current). Throws `SchemaTooNewError` when a newer Parley wrote the database.
 */
export async function migratePostgres(client: Connection, migrations: readonly Migration[] = PG_MIGRATIONS, now: () => number = Date.now): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS parley_schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const found = await postgresSchemaVersion(client);
    const latest = migrations.at(-1)?.version ?? 0;
    if (found > latest) throw new SchemaTooNewError(found, latest);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= found) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO parley_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now()]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw occupied(error) ?? error;
  }
}

/**
 * The operator's version of a migration that met a table Parley did not make (SQLSTATE 42P07):
 * the database, or its first schema on the search path, belongs to another application.
 */
function occupied(error: unknown): Error | null {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== '42P07') return null;
  return new OccupiedDatabaseError(String(message));
}

/** Thrown when Parley's tables would collide with another application's in the same schema. */
export class OccupiedDatabaseError extends Error {
  readonly code = '42P07';

  constructor(detail: string) {
    super(`it already holds tables Parley did not make (${detail}): give Parley a database of its own, or a schema (?options=-c%20search_path%3Dparley)`);
    this.name = 'OccupiedDatabaseError';
  }
}

/** The highest migration version recorded, 0 for a database Parley never migrated. */
export async function postgresSchemaVersion(client: Connection): Promise<number> {
  const [exists] = await client.query<{ present: boolean }>("SELECT to_regclass('parley_schema_migrations') IS NOT NULL AS present");
  if (!exists?.present) return 0;
  const [row] = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM parley_schema_migrations');
  return row?.version ?? 0;
}
