/**
 * The SQLite schema as an ordered list of numbered migrations. `migrate` applies the ones a
 * database has not seen yet, each in its own transaction together with its row in
 * `schema_migrations`, so a crash mid-upgrade leaves the database at the last whole version.
 * Never edit a released migration: add the next number.
 */
import type { Database } from 'better-sqlite3';

/** One step of the schema. */
export interface Migration {
  /** 1, 2, 3, ... with no gaps. */
  version: number;
  /** A short description, kept in `schema_migrations` for people reading the database. */
  name: string;
  /** SQL run inside the migration's transaction. */
  sql: string;
}

/** Every migration of the SQLite store, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        secret TEXT NOT NULL,
        allowed_origins TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(allowed_origins)),
        created_at INTEGER NOT NULL
      ) STRICT;

      -- email_key is the lower-cased email: lookups are case-insensitive for every alphabet,
      -- which SQLite's NOCASE (ASCII only) would not give.
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE visitors (
        id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL REFERENCES sites (id),
        user_id TEXT,
        name TEXT,
        email TEXT,
        verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
        attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
        browser TEXT,
        os TEXT,
        language TEXT,
        current_page TEXT CHECK (current_page IS NULL OR json_valid(current_page)),
        first_seen_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX visitors_site_user ON visitors (site_id, user_id) WHERE user_id IS NOT NULL;

      CREATE TABLE page_views (
        id INTEGER PRIMARY KEY,
        visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX page_views_visitor_at ON page_views (visitor_id, at, id);

      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        props TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(props)),
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX events_visitor_at ON events (visitor_id, at, id);

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL REFERENCES sites (id),
        visitor_id TEXT NOT NULL REFERENCES visitors (id),
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        assignee_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        resolved_at INTEGER,
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_message_text TEXT,
        last_message_author TEXT CHECK (last_message_author IN ('visitor', 'agent', 'system')),
        last_message_at INTEGER,
        first_response_at INTEGER,
        visitor_read_seq INTEGER NOT NULL DEFAULT 0,
        agent_read_seq INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      -- One index per inbox question (site and status; status and assignee; visitor; everything),
      -- each ending in the sort order. Every index holding updated_at is rewritten by every
      -- append, so there is no index for a question the inbox never asks.
      CREATE INDEX conversations_updated ON conversations (updated_at, id);
      CREATE INDEX conversations_site_status ON conversations (site_id, status, updated_at, id);
      CREATE INDEX conversations_status_assignee ON conversations (status, assignee_id, updated_at, id);
      CREATE INDEX conversations_visitor ON conversations (visitor_id, updated_at, id);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        seq INTEGER NOT NULL CHECK (seq > 0),
        client_id TEXT NOT NULL,
        author TEXT NOT NULL CHECK (author IN ('visitor', 'agent', 'system')),
        author_id TEXT NOT NULL,
        author_name TEXT,
        text TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);
      CREATE UNIQUE INDEX messages_author_client ON messages (author_id, client_id);
    `,
  },
  {
    version: 2,
    name: 'conversation indexes appends leave alone',
    // Every append moves updated_at, and SQLite rewrites each index holding a changed column.
    // A visitor has a handful of conversations and a site query can sort its matches, so
    // these two indexes drop updated_at: an append then rewrites two indexes instead of four.
    // The inbox views (status and assignee; everything) keep their sorted indexes.
    sql: `
      DROP INDEX conversations_site_status;
      DROP INDEX conversations_visitor;
      CREATE INDEX conversations_site_status ON conversations (site_id, status);
      CREATE INDEX conversations_visitor ON conversations (visitor_id);
    `,
  },
  {
    version: 3,
    name: 'callback requests',
    // A visitor's request to be phoned back. client_id makes a retried request the same one;
    // the agent's name is kept as it was when they acted, for the record. The indexes answer
    // the questions asked: a visitor's requests (the daily cap, the welcome), a conversation's,
    // and the agents' task list by status.
    sql: `
      CREATE TABLE callbacks (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        visitor_id TEXT NOT NULL REFERENCES visitors (id),
        client_id TEXT NOT NULL,
        phone TEXT NOT NULL,
        window_from INTEGER,
        window_to INTEGER,
        note TEXT,
        status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'claimed', 'done', 'unreachable')),
        agent_id TEXT,
        agent_name TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK ((window_from IS NULL) = (window_to IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX callbacks_visitor_client ON callbacks (visitor_id, client_id);
      CREATE INDEX callbacks_visitor_created ON callbacks (visitor_id, created_at);
      CREATE INDEX callbacks_conversation_created ON callbacks (conversation_id, created_at);
      CREATE INDEX callbacks_status_created ON callbacks (status, created_at);
    `,
  },
  {
    version: 4,
    name: 'unverified user ids apart from verified ones',
    // user_id is the canonical slot of a user (unique per site) and holds proven ids only; what
    // a page claims without a user hash goes to claimed_user_id, which any number of visitors
    // may share. Earlier versions kept both in user_id, so a claim could take the slot of a user.
    sql: `
      ALTER TABLE visitors ADD COLUMN claimed_user_id TEXT;
      UPDATE visitors SET claimed_user_id = user_id, user_id = NULL WHERE verified = 0 AND user_id IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'agent sessions',
    // A console sign-in, named by the `sid` of its token. A token is honoured only while its row
    // exists, so a sign-out, a password change or removing the agent (the cascade) ends it on
    // every relay node sharing the database. Rows past expires_at are pruned at the next sign-in.
    sql: `
      CREATE TABLE agent_sessions (
        id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id);
      CREATE INDEX agent_sessions_expires ON agent_sessions (expires_at);
    `,
  },
  {
    // Agents and supervisors see only the sites they belong to.
    version: 6,
    name: 'agent site memberships',
    sql: `
      CREATE TABLE agent_sites (
        agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
        PRIMARY KEY (agent_id, site_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX agent_sites_site ON agent_sites (site_id);

      -- Before memberships every agent served every site: an upgrade changes nothing for them.
      INSERT INTO agent_sites (agent_id, site_id) SELECT agents.id, sites.id FROM agents CROSS JOIN sites;
    `,
  },
  {
    version: 7,
    name: 'one open conversation per visitor',
    sql: `
      -- The rule was held by one process's lock; an index holds it for any number of relay nodes.
      -- A visitor with several open conversations keeps the one updated last; the others are
      -- resolved at their last activity.
      UPDATE conversations SET status = 'resolved', resolved_at = updated_at
       WHERE status = 'open' AND EXISTS (
         SELECT 1 FROM conversations AS newer
          WHERE newer.visitor_id = conversations.visitor_id AND newer.status = 'open'
            AND (newer.updated_at > conversations.updated_at
                 OR (newer.updated_at = conversations.updated_at AND newer.id > conversations.id)));
      CREATE UNIQUE INDEX conversations_one_open ON conversations (visitor_id) WHERE status = 'open';
    `,
  },
  {
    version: 8,
    name: 'conversation indexes no append rewrites',
    // An append moves updated_at on an open conversation, and each index holding updated_at was
    // rewritten by it: two B-tree updates per message. Ordered by updated_at now are resolved
    // conversations only (the closed view pages through thousands of them); open ones, a few
    // thousand at most, are sorted when listed, and found by assignee through a partial index.
    // An append then rewrites no index of the table.
    sql: `
      DROP INDEX conversations_updated;
      DROP INDEX conversations_status_assignee;
      CREATE INDEX conversations_resolved_updated ON conversations (updated_at, id) WHERE status = 'resolved';
      CREATE INDEX conversations_open_assignee ON conversations (assignee_id) WHERE status = 'open';
    `,
  },
];

/** Thrown when the database was written by a newer Parley than this one. */
export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`The database is at schema version ${found}, newer than this relay knows (${known}). Upgrade Parley.`);
    this.name = 'SchemaTooNewError';
  }
}

/** The highest migration version recorded in `db`, 0 for a new database. */
export function schemaVersion(db: Database): number {
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null } | undefined;
  return row?.version ?? 0;
}

/**
 * Brings `db` up to the newest of `migrations` and returns the versions it applied (none when
 * the database is current). Each migration runs in an immediate transaction that re-reads the
 * version first, so two processes starting at once cannot apply the same step twice.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): number[] {
  assertOrdered(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const latest = migrations.at(-1)?.version ?? 0;
  const found = schemaVersion(db);
  if (found > latest) throw new SchemaTooNewError(found, latest);

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applyOne = db.transaction((migration: Migration): boolean => {
    if (schemaVersion(db) >= migration.version) return false;
    db.exec(migration.sql);
    record.run(migration.version, migration.name, now());
    return true;
  });

  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= found) continue;
    if (applyOne.immediate(migration)) applied.push(migration.version);
  }
  return applied;
}

/** Refuses a list whose versions are not 1, 2, 3, ...: a gap or a swap is a programming error. */
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration at position ${index} has version ${migration.version}, expected ${index + 1}.`);
    }
  });
}
