/**
 * Test fixture of the PostgreSQL store's tests: one real PostgreSQL 15 server per test file
 * (`test/servers/postgres.ts`), a database migrated once as a template, a fresh copy of it for
 * each store (a copy takes milliseconds; migrating would take longer), and small builders.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startPostgres, type PostgresOptions, type TestPostgres } from '../../test/servers/postgres.js';
import { PgStorage } from './pg-storage.js';
import { newVisitor } from './records.js';
import type { NewMessage } from './storage.js';

/** The server of the current test file and what to do with it. */
export interface PgFixture {
  /** The running server. */
  readonly server: TestPostgres;
  /** A fresh, migrated database (dropped after the test); resolves with its URL. */
  freshDatabase(): Promise<string>;
  /** Drops `name` after the current test. */
  dropAfterTest(name: string): void;
  /** Runs statements on `database` as the superuser; resolves with the rows of the last. */
  asAdmin<R extends object>(database: string, sql: string, params?: unknown[]): Promise<R[]>;
}

/** Starts a server for this test file (stopped after it), with a migrated template database. */
export function usePostgres(options: PostgresOptions = {}): PgFixture {
  let server: TestPostgres | undefined;
  const made: string[] = [];

  beforeAll(async () => {
    server = await startPostgres(options);
    const template = new PgStorage({ url: await server.createDatabase('parley_template') });
    await template.migrate();
    await template.close();
  }, 60_000);

  afterEach(async () => {
    for (const name of made.splice(0)) await server?.dropDatabase(name);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const running = (): TestPostgres => {
    if (!server) throw new Error('The PostgreSQL server of this test file is not started yet.');
    return server;
  };

  return {
    get server() {
      return running();
    },
    async freshDatabase() {
      const url = await running().createDatabase(undefined, { template: 'parley_template' });
      made.push(new URL(url).pathname.slice(1));
      return url;
    },
    dropAfterTest(name) {
      made.push(name);
    },
    async asAdmin<R extends object>(database: string, sql: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${running().port}/${database}` });
      await client.connect();
      try {
        return (await client.query<R>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
  };
}

/** A site, a visitor and `n` conversations (one open per visitor: a visitor each), stored through `storage`. */
export async function conversations(storage: PgStorage, n: number): Promise<string[]> {
  const siteId = randomUUID();
  await storage.createSite({ id: siteId, key: siteId, name: 'Shop', secret: 's', allowedOrigins: [], createdAt: 1 });
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const visitor = await storage.createVisitor(newVisitor(randomUUID(), siteId, 1));
    ids.push((await storage.createConversation({ id: randomUUID(), siteId, visitorId: visitor.id, createdAt: 1 })).id);
  }
  return ids;
}

/** A new message of `conversationId`; fields may be overridden. */
export function aMessage(conversationId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return { id: randomUUID(), conversationId, clientId: randomUUID(), author: 'visitor', authorId: 'visitor-1', text: 'hi', at: 2_000, ...overrides };
}

/** 1..n. */
export const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
