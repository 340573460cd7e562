/**
 * The PostgreSQL schema as an ordered list of numbered migrations (`pg-migrations.ts` applies
 * them). It holds the same tables, columns and constraints as the SQLite schema
 * (`migrations.ts`), written the PostgreSQL way: BIGINT times, BOOLEAN flags, `json` columns
 * (which keep the text as given, so attribute order survives, unlike `jsonb`), identity columns
 * where SQLite's rowid ordered ties, and the append function (`pg-append-batch.ts` says why it
 * is a function). Never edit a released migration: add the next number.
 */
import type { Migration } from './migrations.js';

/** The conversation row columns, in table order (the append function returns them as JSON). */
const APPEND_FUNCTION = `
  -- Appends a batch of messages in one call (one round trip) and returns, as JSON, each input's
  -- outcome by position and each changed conversation's row. See pg-append-batch.ts.
  CREATE FUNCTION parley_append_messages(
    p_id text[], p_conversation_id text[], p_client_id text[], p_author text[], p_author_id text[],
    p_author_name text[], p_text text[], p_at bigint[]
  ) RETURNS json LANGUAGE plpgsql AS $fn$
  DECLARE
    v_result json;
  BEGIN
    -- 1. Lock the batch's conversations, in id order: two nodes locking overlapping sets take
    --    them in the same order, so they queue instead of deadlocking.
    PERFORM 1 FROM conversations WHERE id = ANY (p_conversation_id) ORDER BY id FOR UPDATE;

    -- 2. A new statement reads a new snapshot: every append committed before the locks were
    --    granted is visible, and none to these conversations can commit until this one does.
    WITH input AS (
      SELECT * FROM unnest(p_id, p_conversation_id, p_client_id, p_author, p_author_id, p_author_name, p_text, p_at)
        WITH ORDINALITY AS i (id, conversation_id, client_id, author, author_id, author_name, text, at, ord)
    ),
    classified AS (
      SELECT i.*, d AS existing,
        CASE
          WHEN d.id IS NOT NULL THEN 'duplicate'
          WHEN NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = i.conversation_id) THEN 'not_found'
          WHEN EXISTS (SELECT 1 FROM messages m WHERE m.id = i.id) THEN 'conflict'
          ELSE 'new'
        END AS outcome
      FROM input i
      LEFT JOIN messages d ON d.author_id = i.author_id AND d.client_id = i.client_id
    ),
    numbered AS (
      SELECT n.*, c.last_seq + row_number() OVER (PARTITION BY n.conversation_id ORDER BY n.ord) AS seq
      FROM classified n JOIN conversations c ON c.id = n.conversation_id
      WHERE n.outcome = 'new'
    ),
    inserted AS (
      INSERT INTO messages (id, conversation_id, seq, client_id, author, author_id, author_name, text, at)
      SELECT id, conversation_id, seq, client_id, author, author_id, author_name, text, at FROM numbered
      -- A clash here means another transaction got in between (a retry of the same client id
      -- naming another conversation, or a conversation created after the locks were taken):
      -- counted below and the whole call is retried, so no seq is ever skipped.
      ON CONFLICT DO NOTHING
      RETURNING id
    ),
    summary AS (
      SELECT conversation_id,
        count(*) AS added,
        max(at) AS newest_at,
        -- The summary's last message is the last one a person wrote; system lines count only
        -- while no person wrote (the same rule as the SQLite store, folded over the batch).
        (array_agg(text ORDER BY ord DESC) FILTER (WHERE author <> 'system'))[1] AS person_text,
        (array_agg(author ORDER BY ord DESC) FILTER (WHERE author <> 'system'))[1] AS person_author,
        (array_agg(at ORDER BY ord DESC) FILTER (WHERE author <> 'system'))[1] AS person_at,
        (array_agg(text ORDER BY ord DESC))[1] AS any_text,
        (array_agg(at ORDER BY ord DESC))[1] AS any_at,
        (array_agg(at ORDER BY ord) FILTER (WHERE author = 'agent'))[1] AS first_agent_at
      FROM numbered GROUP BY conversation_id
    ),
    advanced AS (
      UPDATE conversations c SET
        last_seq = c.last_seq + s.added,
        last_message_text = CASE
          WHEN s.person_author IS NOT NULL THEN s.person_text
          WHEN c.last_message_author IN ('visitor', 'agent') THEN c.last_message_text
          ELSE s.any_text END,
        last_message_author = CASE
          WHEN s.person_author IS NOT NULL THEN s.person_author
          WHEN c.last_message_author IN ('visitor', 'agent') THEN c.last_message_author
          ELSE 'system' END,
        last_message_at = CASE
          WHEN s.person_author IS NOT NULL THEN s.person_at
          WHEN c.last_message_author IN ('visitor', 'agent') THEN c.last_message_at
          ELSE s.any_at END,
        updated_at = greatest(c.updated_at, s.newest_at),
        first_response_at = coalesce(c.first_response_at, s.first_agent_at)
      FROM summary s
      WHERE c.id = s.conversation_id
      RETURNING c.*
    )
    SELECT json_build_object(
      'lost', (SELECT count(*) FROM numbered) - (SELECT count(*) FROM inserted),
      'results', (
        SELECT json_agg(json_build_object('outcome', k.outcome, 'seq', n.seq, 'existing', k.existing) ORDER BY k.ord)
        FROM classified k LEFT JOIN numbered n ON n.ord = k.ord
      ),
      'conversations', (SELECT coalesce(json_agg(a), '[]'::json) FROM advanced a)
    ) INTO v_result;

    IF (v_result->>'lost')::int > 0 THEN
      RAISE EXCEPTION 'an append met a concurrent write; retry the batch' USING ERRCODE = '40001';
    END IF;
    RETURN v_result;
  END
  $fn$;
`;

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

      ${APPEND_FUNCTION}
    `,
  },
];
