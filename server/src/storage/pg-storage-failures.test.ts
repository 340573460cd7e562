/**
 * PgStorage when things go wrong, against a real PostgreSQL 15 server started for this file:
 * the server killed or shut down and restarted, a statement that cannot finish in time, a column
 * added by a newer node, and databases that cannot be used at start-up (unreachable, silent,
 * refused credentials, missing, another application's, never installed).
 */
import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseConnectionError } from './pg-errors.js';
import { openPgStorage, PgStorage } from './pg-storage.js';
import { isStoreUnavailable } from './store-unavailable.js';
import { aMessage, conversations, upTo, usePostgres } from './pg-test-fixture.js';

const postgres = usePostgres();
const { freshDatabase, asAdmin } = postgres;

describe('PgStorage when PostgreSQL restarts', () => {
  for (const [how, stop] of [
    ['is killed', () => postgres.server.kill()],
    ['shuts down', () => postgres.server.shutdown()],
  ] as const) {
    it(`rejects writes while it ${how}, never resolving them, and writes again once it is back, on the same pool`, async () => {
      const store = new PgStorage({ url: await freshDatabase() });
      const [id] = await conversations(store, 1);
      await store.appendMessage(aMessage(id!, { text: 'before' }));

      await stop();
      const during = await store.appendMessage(aMessage(id!, { text: 'during' })).then(() => 'resolved', (error: unknown) => error);
      expect(during).toBeInstanceOf(DatabaseConnectionError);
      // What the relay answers its clients with `unavailable` (retry), not `internal`.
      expect(isStoreUnavailable(during)).toBe(true);
      expect(String((during as Error).message)).toMatch(/^cannot use the database postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+: /);
      await expect(store.getConversation(id!)).rejects.toBeInstanceOf(DatabaseConnectionError);

      await postgres.server.restart();
      const after = await store.appendMessage(aMessage(id!, { text: 'after' }));
      expect(after.message.seq).toBe(2);
      expect((await store.listMessages(id!, 0, 10)).map((m) => m.text)).toEqual(['before', 'after']);
      await store.close();
    });
  }
});

describe('PgStorage during a rolling upgrade', () => {
  it('keeps answering after a newer node adds a column to the tables it reads', async () => {
    const url = await freshDatabase();
    const store = new PgStorage({ url });
    const [id] = await conversations(store, 1);
    await store.appendMessage(aMessage(id!));
    // Prepared on this node's connections before the change.
    for (let i = 0; i < 3; i += 1) await Promise.all([store.getConversation(id!), store.listMessages(id!, 0, 10), store.listConversations({ limit: 5 })]);
    await asAdmin(new URL(url).pathname.slice(1), 'ALTER TABLE conversations ADD COLUMN priority int; ALTER TABLE messages ADD COLUMN edited_at bigint');
    expect((await store.getConversation(id!))?.lastSeq).toBe(1);
    expect(await store.listMessages(id!, 0, 10)).toHaveLength(1);
    expect(await store.listConversations({ limit: 5 })).toHaveLength(1);
    expect((await store.appendMessage(aMessage(id!))).message.seq).toBe(2);
    await store.close();
  });
});

describe('PgStorage when a statement cannot finish in time', () => {
  it('rejects the write, writes nothing of it, and writes again once the database answers', async () => {
    const url = await freshDatabase();
    const store = new PgStorage({ url, queryTimeoutMs: 300 });
    const [id] = await conversations(store, 1);
    // Another session holds the messages table: the append waits past its timeout.
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
    const refused = await store.appendMessage(aMessage(id!)).then(() => 'resolved', (error: unknown) => error);
    expect(refused).toBeInstanceOf(DatabaseConnectionError);
    expect((refused as Error).message).toContain('the statement took too long and was cancelled (57014)');
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(await store.listMessages(id!, 0, 10)).toEqual([]);
    expect((await store.appendMessage(aMessage(id!))).message.seq).toBe(1);
    await store.close();
  });
});

describe('openPgStorage', () => {
  /** A loopback port nothing listens on. */
  async function closedPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  /** The message `openPgStorage` rejects with (fails the test when it opens). */
  async function refusal(url: string, create?: boolean): Promise<string> {
    const error = await openPgStorage({ url, ...(create === undefined ? {} : { create }) }).then(
      async (storage) => {
        await storage.close();
        return null;
      },
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    return (error as Error).message;
  }

  it('names an unreachable server in one line', async () => {
    const port = await closedPort();
    expect(await refusal(`postgres://parley:hunter2@127.0.0.1:${port}/parley`)).toBe(
      `cannot use the database postgres://parley:***@127.0.0.1:${port}/parley: nothing accepts connections there (is PostgreSQL running, on that host and port?) (ECONNREFUSED)`,
    );
  });

  it('names a server that accepts the connection but never answers', async () => {
    // A socket that takes connections and says nothing, as a host behind a broken network might.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const error = await openPgStorage({ url: `postgres://parley@127.0.0.1:${port}/parley`, connectTimeoutMs: 200 }).catch((reason: unknown) => reason);
    silent.close();
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect((error as Error).message).toBe(`cannot use the database postgres://parley@127.0.0.1:${port}/parley: the server did not answer in time`);
  });

  it('names refused credentials and a missing database, never printing the password', async () => {
    expect(await refusal(`postgres://nobody:hunter2@127.0.0.1:${postgres.server.port}/postgres`)).toBe(
      `cannot use the database postgres://nobody:***@127.0.0.1:${postgres.server.port}/postgres: the server refused the user (28000)`,
    );
    expect(await refusal(`postgres://postgres@127.0.0.1:${postgres.server.port}/no_such_database`)).toBe(
      `cannot use the database postgres://postgres@127.0.0.1:${postgres.server.port}/no_such_database: the database does not exist (3D000)`,
    );
  });

  it('migrates a new database, and refuses one Parley never migrated when told not to create', async () => {
    const url = await postgres.server.createDatabase();
    postgres.dropAfterTest(new URL(url).pathname.slice(1));
    expect(await refusal(url, false)).toBe(`cannot use the database ${url}: it holds no Parley installation (only parley start creates one)`);
    const storage = await openPgStorage({ url });
    expect(await storage.schemaVersion()).toBe(1);
    await storage.close();
    const again = await openPgStorage({ url, create: false });
    expect(await again.listSites()).toEqual([]);
    await again.close();
  });

  it('refuses a database whose tables belong to another application, and works in a schema of its own there', async () => {
    const url = await postgres.server.createDatabase();
    const database = new URL(url).pathname.slice(1);
    postgres.dropAfterTest(database);
    await asAdmin(database, 'CREATE TABLE messages (id serial PRIMARY KEY, body text); CREATE SCHEMA parley');
    expect(await refusal(url)).toBe(
      `cannot use the database ${url}: it already holds tables Parley did not make (relation "messages" already exists): give Parley a database of its own, or a schema (?options=-c%20search_path%3Dparley)`,
    );
    const inSchema = await openPgStorage({ url: `${url}?options=-c%20search_path%3Dparley` });
    await inSchema.createSite({ id: 's-1', key: 'shop', name: 'Shop', secret: 's', allowedOrigins: [], createdAt: 1 });
    expect(await asAdmin<{ n: number }>(database, 'SELECT count(*)::int AS n FROM parley.sites')).toEqual([{ n: 1 }]);
    expect(await asAdmin<{ n: number }>(database, 'SELECT count(*)::int AS n FROM public.messages')).toEqual([{ n: 0 }]);
    await inSchema.close();
  });

  it('migrates once when several nodes start at once', async () => {
    const url = await postgres.server.createDatabase();
    postgres.dropAfterTest(new URL(url).pathname.slice(1));
    const nodes = await Promise.all(upTo(4).map(() => openPgStorage({ url })));
    const applied = await nodes[0]!.query<{ version: number }>('SELECT version FROM parley_schema_migrations ORDER BY version');
    expect(applied.map((row) => row.version)).toEqual([1]);
    await Promise.all(nodes.map((node) => node.close()));
  });
});
