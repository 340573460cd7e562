/**
 * PgStorage against a real PostgreSQL 15 server started for this file: the Storage contract,
 * each test on a fresh database copied from a migrated template, then what only a shared
 * database can show: two stores (two relay nodes) appending to one conversation at once,
 * a retried client id on both, `watch` per node, batching, and a server restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../test/servers/postgres.js';
import { PgStorage } from './pg-storage.js';
import { describeStorageContract } from './storage.contract.js';

let server: TestPostgres;
/** Databases made by the current test, dropped after it. */
const made: string[] = [];

beforeAll(async () => {
  server = await startPostgres();
  const template = new PgStorage({ url: await server.createDatabase('parley_template') });
  await template.migrate();
  await template.close();
}, 60_000);

afterEach(async () => {
  for (const name of made.splice(0)) await server.dropDatabase(name);
});

afterAll(async () => {
  await server?.stop();
});

/** A fresh, migrated database on the server; resolves with its URL. */
async function freshDatabase(): Promise<string> {
  const url = await server.createDatabase(undefined, { template: 'parley_template' });
  made.push(new URL(url).pathname.slice(1));
  return url;
}

describeStorageContract('PgStorage', async () => new PgStorage({ url: await freshDatabase(), poolSize: 4 }));
