/**
 * The database function that appends a batch of messages in one call, as created by migration 1
 * (`pg-schema.ts`). Why a function, what it locks and why it is safe across relay nodes:
 * `pg-append-batch.ts`. It returns JSON:
 * `{ lost, results: [{ outcome, seq, existing }] (by input position), conversations: [row] }`,
 * where `outcome` is `new`, `duplicate` (with the stored message as `existing`), `not_found` or
 * `conflict`, and `conversations` holds each changed conversation's row after the batch.
 * Released SQL: a change is a new function text in a new migration, never an edit of this one.
 */

/** The function's SQL as of schema version 1. */
export const APPEND_FUNCTION_V1 = `
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
