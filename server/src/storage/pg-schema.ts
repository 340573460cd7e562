/**
 * The PostgreSQL schema as an ordered list of numbered migrations (`pg-migrations.ts` applies
 * them). It holds the same tables, columns and constraints as the SQLite schema
 * (`migrations.ts`), written the PostgreSQL way: BIGINT times, BOOLEAN flags, `json` columns
 * (which keep the text as given, so attribute order survives, unlike `jsonb`), identity columns
 * where SQLite's rowid ordered ties, and the append function (`pg-append-function.ts`). Never
 * edit a released migration: add the next number (a changed function comes as CREATE OR REPLACE
 * in a new migration).
 */
import type { Migration } from './migrations.js';
import { APPEND_FUNCTION_V1 } from './pg-append-function.js';

/** Every migration of the PostgreSQL store, oldest first. */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- position orders rows created in the same millisecond as they were inserted (SQLite's rowid).
      CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        secret TEXT NOT NULL,
        allowed_origins JSON NOT NULL DEFAULT '[]',
        created_at BIGINT NOT NULL,
        position BIGINT GENERATED ALWAYS AS IDENTITY
      );

      -- email_key is the lower-cased email (by JavaScript, for every driver alike).
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        position BIGINT GENERATED ALWAYS AS IDENTITY
      );

      -- user_id holds proven ids only (the canonical slot, unique per site); claims go to
      -- claimed_user_id, which any number of visitors may share.
      CREATE TABLE visitors (
        id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL REFERENCES sites (id),
        user_id TEXT,
        claimed_user_id TEXT,
        name TEXT,
        email TEXT,
        verified BOOLEAN NOT NULL DEFAULT false,
        attributes JSON NOT NULL DEFAULT '{}',
        browser TEXT,
        os TEXT,
        language TEXT,
        current_page JSON,
        first_seen_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX visitors_site_user ON visitors (site_id, user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX visitors_site ON visitors (site_id);

      CREATE TABLE page_views (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX page_views_visitor_at ON page_views (visitor_id, at, id);

      CREATE TABLE events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        props JSON NOT NULL DEFAULT '{}',
        at BIGINT NOT NULL
      );
      CREATE INDEX events_visitor_at ON events (visitor_id, at, id);

      -- Ids compare byte by byte ("C"), as in SQLite, whatever the database's collation.
      CREATE TABLE conversations (
        id TEXT COLLATE "C" PRIMARY KEY,
        site_id TEXT NOT NULL REFERENCES sites (id),
        visitor_id TEXT NOT NULL REFERENCES visitors (id),
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        assignee_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        resolved_at BIGINT,
        last_seq BIGINT NOT NULL DEFAULT 0,
        last_message_text TEXT,
        last_message_author TEXT CHECK (last_message_author IN ('visitor', 'agent', 'system')),
        last_message_at BIGINT,
        first_response_at BIGINT,
        visitor_read_seq BIGINT NOT NULL DEFAULT 0,
        agent_read_seq BIGINT NOT NULL DEFAULT 0
      );
      -- One index per inbox question, as in SQLite: the inbox views keep their sort order.
      CREATE INDEX conversations_updated ON conversations (updated_at, id);
      CREATE INDEX conversations_site_status ON conversations (site_id, status);
      CREATE INDEX conversations_status_assignee ON conversations (status, assignee_id, updated_at, id);
      CREATE INDEX conversations_visitor ON conversations (visitor_id);
      -- The database holds "one open conversation per visitor", for any number of relay nodes.
      CREATE UNIQUE INDEX conversations_one_open ON conversations (visitor_id) WHERE status = 'open';

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
        seq BIGINT NOT NULL CHECK (seq > 0),
        client_id TEXT NOT NULL,
        author TEXT NOT NULL CHECK (author IN ('visitor', 'agent', 'system')),
        author_id TEXT NOT NULL,
        author_name TEXT,
        text TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);
      CREATE UNIQUE INDEX messages_author_client ON messages (author_id, client_id);

      CREATE TABLE callbacks (
        id TEXT PRIMARY KEY,
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
        visitor_id TEXT NOT NULL REFERENCES visitors (id),
        client_id TEXT NOT NULL,
        phone TEXT NOT NULL,
        window_from BIGINT,
        window_to BIGINT,
        note TEXT,
        status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'claimed', 'done', 'unreachable')),
        agent_id TEXT,
        agent_name TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        position BIGINT GENERATED ALWAYS AS IDENTITY,
        CHECK ((window_from IS NULL) = (window_to IS NULL))
      );
      CREATE UNIQUE INDEX callbacks_visitor_client ON callbacks (visitor_id, client_id);
      CREATE INDEX callbacks_visitor_created ON callbacks (visitor_id, created_at);
      CREATE INDEX callbacks_conversation_created ON callbacks (conversation_id, created_at);
      CREATE INDEX callbacks_status_created ON callbacks (status, created_at);

      CREATE TABLE agent_sessions (
        id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id);
      CREATE INDEX agent_sessions_expires ON agent_sessions (expires_at);

      CREATE TABLE agent_sites (
        agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
        PRIMARY KEY (agent_id, site_id)
      );
      CREATE INDEX agent_sites_site ON agent_sites (site_id);

      ${APPEND_FUNCTION_V1}
    `,
  },
];
