/**
 * The PostgreSQL test helper keeps its promises: a server on a loopback port in its own
 * directory, databases on demand, committed data kept across a kill and a restart on the same
 * port, and nothing left behind after `stop`.
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './postgres.js';

/** Runs `sql` on `url` and resolves with the rows. */
async function query<R extends object>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  it('keeps committed data across a kill and a restart on the same port, and removes everything on stop', async () => {
    const server = await startPostgres();
    const url = await server.createDatabase('kept');
    expect(url).toBe(`postgres://postgres@127.0.0.1:${server.port}/kept`);
    await query(url, "CREATE TABLE t (v text); INSERT INTO t VALUES ('committed')");

    const port = server.port;
    await server.kill();
    await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await server.restart();
    expect(server.port).toBe(port);
    expect(await query<{ v: string }>(url, 'SELECT v FROM t')).toEqual([{ v: 'committed' }]);

    await server.restart();
    const copy = await server.createDatabase(undefined, { template: 'kept' });
    expect(await query<{ v: string }>(copy, 'SELECT v FROM t')).toEqual([{ v: 'committed' }]);

    await server.stop();
    expect(existsSync(server.dataDir)).toBe(false);
    await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
