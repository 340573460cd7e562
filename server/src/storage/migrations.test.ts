import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SchemaTooNewError, migrate, schemaVersion, type Migration } from './migrations.js';

/** The names of the tables and indexes of `db`, sorted. */
function schemaObjects(db: Database): string[] {
  const rows = db.prepare("SELECT type || ' ' || name AS object FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY 1").all() as { object: string }[];
  return rows.map((row) => row.object);
}

/** The rows of `schema_migrations`. */
function recorded(db: Database): { version: number; name: string; applied_at: number }[] {
  return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
    applied_at: number;
  }[];
}

const nextMigration: Migration = {
  version: MIGRATIONS.length + 1,
  name: 'agent avatars',
  sql: 'ALTER TABLE agents ADD COLUMN avatar_url TEXT',
};

describe('migrate', () => {
  let dir: string;
  let db: Database;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-migrations-'));
    db = new BetterSqlite3(join(dir, 'parley.db'));
  });

  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies every migration to a new database and records each with its time', () => {
    expect(migrate(db, MIGRATIONS, () => 42)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(recorded(db)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: 42 })));
    expect(schemaObjects(db)).toEqual(expect.arrayContaining(['table meta', 'table messages', 'index messages_author_client']));
  });

  it('does nothing when run again', () => {
    migrate(db);
    const schema = schemaObjects(db);
    const rows = recorded(db);
    expect(migrate(db)).toEqual([]);
    expect(schemaObjects(db)).toEqual(schema);
    expect(recorded(db)).toEqual(rows);
  });

  it('upgrades a database at version N by applying only the later migrations', () => {
    migrate(db, MIGRATIONS);
    db.prepare("INSERT INTO agents (id, email, email_key, name, role, password_hash, created_at) VALUES ('a', 'A@x', 'a@x', 'A', 'agent', 'h', 1)").run();
    expect(migrate(db, [...MIGRATIONS, nextMigration])).toEqual([nextMigration.version]);
    expect(schemaVersion(db)).toBe(nextMigration.version);
    expect(db.prepare("SELECT email, avatar_url FROM agents WHERE id = 'a'").get()).toEqual({ email: 'A@x', avatar_url: null });
  });

  it('upgrades a database at the previous version with rows in every table and keeps them all', () => {
    const previous = MIGRATIONS.slice(0, -1);
    migrate(db, previous);
    db.exec(`
      INSERT INTO meta (key, value) VALUES ('installed_at', '1');
      INSERT INTO sites (id, key, name, secret, allowed_origins, created_at) VALUES ('s-1', 'demo', 'Demo', 'x', '["http://localhost:*"]', 1);
      INSERT INTO agents (id, email, email_key, name, role, password_hash, created_at) VALUES ('a-1', 'A@x', 'a@x', 'A', 'agent', 'h', 1);
      INSERT INTO visitors (id, site_id, user_id, name, verified, first_seen_at, last_seen_at) VALUES ('v-1', 's-1', 'u-1', 'Kim', 1, 2, 3);
      INSERT INTO page_views (visitor_id, url, title, at) VALUES ('v-1', 'http://localhost/', 'Home', 2);
      INSERT INTO events (visitor_id, name, props, at) VALUES ('v-1', 'signup', '{"plan":"pro"}', 3);
      INSERT INTO conversations (id, site_id, visitor_id, assignee_id, created_at, updated_at, last_seq, last_message_text, last_message_author, last_message_at)
        VALUES ('c-1', 's-1', 'v-1', 'a-1', 4, 6, 2, 'Hi', 'agent', 6);
      INSERT INTO messages (id, conversation_id, seq, client_id, author, author_id, author_name, text, at)
        VALUES ('m-1', 'c-1', 1, 'k-1', 'visitor', 'v-1', NULL, 'Hello', 5), ('m-2', 'c-1', 2, 'k-2', 'agent', 'a-1', 'A', 'Hi', 6);
      INSERT INTO callbacks (id, conversation_id, visitor_id, client_id, phone, created_at, updated_at)
        VALUES ('cb-1', 'c-1', 'v-1', 'k-3', '+821012345678', 7, 7);
      INSERT INTO agent_sessions (id, agent_id, created_at, expires_at) VALUES ('as-1', 'a-1', 1, 2);
      INSERT INTO agent_sites (agent_id, site_id) VALUES ('a-1', 's-1');
    `);
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").pluck().all() as string[]).sort();
    const columns = new Map(tables.map((table) => [table, (db.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name)]));
    const contents = () => Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT ${columns.get(table)!.join(', ')} FROM ${table} ORDER BY 1, 2`).all()]));
    const before = contents();

    expect(migrate(db)).toEqual([MIGRATIONS.length]);
    expect(contents()).toEqual(before);
    expect(Object.values(before).every((rows) => rows.length > 0)).toBe(true);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('moves unverified user ids out of the canonical slot at version 4 and keeps every visitor', () => {
    migrate(db, MIGRATIONS.slice(0, 3));
    db.exec(`
      INSERT INTO sites (id, key, name, secret, created_at) VALUES ('s-1', 'demo', 'Demo', 'x', 1);
      INSERT INTO visitors (id, site_id, user_id, name, verified, first_seen_at, last_seen_at) VALUES
        ('v-verified', 's-1', 'u-1', 'Kim', 1, 1, 1),
        ('v-claimed', 's-1', 'u-2', 'Mallory', 0, 1, 1),
        ('v-anonymous', 's-1', NULL, NULL, 0, 1, 1);
      INSERT INTO conversations (id, site_id, visitor_id, created_at, updated_at) VALUES ('c-1', 's-1', 'v-claimed', 1, 1);
    `);
    expect(migrate(db, MIGRATIONS.slice(0, 4))).toEqual([4]);
    expect(db.prepare('SELECT id, user_id, claimed_user_id, name, verified FROM visitors ORDER BY id').all()).toEqual([
      { id: 'v-anonymous', user_id: null, claimed_user_id: null, name: null, verified: 0 },
      { id: 'v-claimed', user_id: null, claimed_user_id: 'u-2', name: 'Mallory', verified: 0 },
      { id: 'v-verified', user_id: 'u-1', claimed_user_id: null, name: 'Kim', verified: 1 },
    ]);
    // The slot the claim held is free for the real user now; the claim stays with its visitor.
    db.prepare("INSERT INTO visitors (id, site_id, user_id, verified, first_seen_at, last_seen_at) VALUES ('v-real', 's-1', 'u-2', 1, 2, 2)").run();
    expect(db.prepare("SELECT visitor_id FROM conversations WHERE id = 'c-1'").pluck().get()).toBe('v-claimed');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('makes every agent of an older database a member of every site, so nobody loses a conversation', () => {
    const memberships = MIGRATIONS.find((m) => m.name === 'agent site memberships')!;
    migrate(db, MIGRATIONS.filter((m) => m.version < memberships.version));
    db.exec(`
      INSERT INTO sites (id, key, name, secret, allowed_origins, created_at) VALUES ('s-1', 'one', 'One', 'x', '[]', 1), ('s-2', 'two', 'Two', 'x', '[]', 2);
      INSERT INTO agents (id, email, email_key, name, role, password_hash, created_at)
        VALUES ('a-1', 'A@x', 'a@x', 'A', 'agent', 'h', 1), ('a-2', 'B@x', 'b@x', 'B', 'supervisor', 'h', 2);
    `);
    migrate(db);
    expect(db.prepare('SELECT agent_id, site_id FROM agent_sites ORDER BY 1, 2').all()).toEqual([
      { agent_id: 'a-1', site_id: 's-1' },
      { agent_id: 'a-1', site_id: 's-2' },
      { agent_id: 'a-2', site_id: 's-1' },
      { agent_id: 'a-2', site_id: 's-2' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('leaves one open conversation per visitor, the one updated last, and then refuses a second', () => {
    const oneOpen = MIGRATIONS.find((m) => m.name === 'one open conversation per visitor')!;
    migrate(db, MIGRATIONS.filter((m) => m.version < oneOpen.version));
    db.exec(`
      INSERT INTO sites (id, key, name, secret, allowed_origins, created_at) VALUES ('s-1', 'one', 'One', 'x', '[]', 1);
      INSERT INTO visitors (id, site_id, first_seen_at, last_seen_at) VALUES ('v-1', 's-1', 1, 1), ('v-2', 's-1', 1, 1);
      INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at) VALUES
        ('c-old', 's-1', 'v-1', 'open', 1, 10), ('c-new', 's-1', 'v-1', 'open', 2, 20), ('c-tie', 's-1', 'v-1', 'open', 3, 20),
        ('c-done', 's-1', 'v-1', 'resolved', 1, 5), ('c-other', 's-1', 'v-2', 'open', 1, 1);
    `);
    migrate(db);
    expect(db.prepare('SELECT id, status, resolved_at FROM conversations ORDER BY id').all()).toEqual([
      { id: 'c-done', status: 'resolved', resolved_at: null },
      { id: 'c-new', status: 'resolved', resolved_at: 20 },
      { id: 'c-old', status: 'resolved', resolved_at: 10 },
      { id: 'c-other', status: 'open', resolved_at: null },
      { id: 'c-tie', status: 'open', resolved_at: null },
    ]);
    expect(() =>
      db.prepare("INSERT INTO conversations (id, site_id, visitor_id, created_at, updated_at) VALUES ('c-2nd', 's-1', 'v-2', 4, 4)").run(),
    ).toThrow(/UNIQUE/);
  });

  it('leaves the database at the last whole version when a migration fails', () => {
    migrate(db, MIGRATIONS);
    const broken: Migration = { version: nextMigration.version, name: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM missing_table' };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/missing_table/);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(schemaObjects(db)).not.toContain('table half');
  });

  it('refuses a database written by a newer schema', () => {
    migrate(db, [...MIGRATIONS, nextMigration]);
    expect(() => migrate(db, MIGRATIONS)).toThrow(SchemaTooNewError);
  });

  it('refuses a migration list with a gap', () => {
    expect(() => migrate(db, [...MIGRATIONS, { ...nextMigration, version: nextMigration.version + 1 }])).toThrow(/expected/);
  });
});
