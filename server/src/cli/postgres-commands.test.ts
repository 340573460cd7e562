/**
 * The relay and its commands on PostgreSQL (`--database-url`): `parley start` creates the
 * installation in the database, the site and agent commands change it there, and a database
 * that cannot be used ends a command with one line naming it and the cause (never a stack, never
 * the password). A real PostgreSQL 15 server is started for this file.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../test/servers/postgres.js';
import { startRelay } from '../index.js';
import { openPgStorage } from '../storage/pg-storage.js';
import { runCaptured } from './test-cli.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('parley on PostgreSQL', () => {
  it('starts a relay whose installation lives in the database, which the site and agent commands then change', async () => {
    const url = await server.createDatabase();
    // The data directory keeps only the relay secret: the installation is in the database.
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-pg-relay-'));
    const relay = await startRelay({ host: '127.0.0.1', port: 0, databaseUrl: url, dataDir, logLevel: 'silent', adminPassword: 'correct horse battery staple' });
    expect(relay.demoSite.key).toBe('demo');
    await relay.close();
    expect(await readdir(dataDir)).toEqual(['relay-secret']);
    await rm(dataDir, { recursive: true, force: true });

    const env = { PARLEY_DATABASE_URL: url };
    const added = await runCaptured(['site', 'add', '--name', 'Shop', '--origins', 'https://shop.example', '--key', 'shop'], env);
    expect(added.code).toBe(0);
    const agent = await runCaptured(['agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'a long enough password', '--sites', 'shop'], env);
    expect(agent.code).toBe(0);
    const listed = await runCaptured(['site', 'list', '--database-url', url]);
    expect(listed.code).toBe(0);
    expect(listed.all).toContain('shop');
    expect(listed.all).toContain('demo');

    const storage = await openPgStorage({ url, create: false });
    const shop = await storage.getSiteByKey('shop');
    expect(shop?.allowedOrigins).toEqual(['https://shop.example']);
    const ann = await storage.getAgentByEmail('ann@example.com');
    expect(await storage.listAgentSites(ann!.id)).toEqual([shop!.id]);
    await storage.close();
  });

  it('starts two relay nodes at once on a new database: one installation, both nodes up', async () => {
    const url = await server.createDatabase();
    const dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'parley-pg-node-'))));
    const nodes = await Promise.all(
      dirs.map((dataDir) => startRelay({ host: '127.0.0.1', port: 0, databaseUrl: url, dataDir, secret: 'shared-cluster-secret', logLevel: 'silent', adminPassword: 'correct horse battery staple' })),
    );
    expect(nodes[0]!.demoSite.id).toBe(nodes[1]!.demoSite.id);
    // Exactly one of them made the installation and shows its generated secret.
    expect(nodes.filter((node) => node.created.demoSiteSecret !== null)).toHaveLength(1);
    await Promise.all(nodes.map((node) => node.close()));
    const storage = await openPgStorage({ url, create: false });
    expect((await storage.listSites()).map((site) => site.key)).toEqual(['demo']);
    expect((await storage.listAgents()).map((agent) => agent.email)).toEqual(['admin@localhost']);
    await storage.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('refuses a command on a database Parley never installed into, in one line', async () => {
    const url = await server.createDatabase();
    const run = await runCaptured(['site', 'list'], { PARLEY_DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.err).toEqual([`parley: cannot use the database ${url}: it holds no Parley installation (only parley start creates one)`]);
  });

  it('ends parley start on refused credentials with one line that hides the password', async () => {
    const url = `postgres://nobody:hunter2@127.0.0.1:${server.port}/postgres`;
    const run = await runCaptured(['start', '--port', '0', '--host', '127.0.0.1', '--database-url', url]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([`parley: cannot use the database postgres://nobody:***@127.0.0.1:${server.port}/postgres: the server refused the user (28000)`]);
    expect(run.all).not.toContain('hunter2');
  });

  it('refuses a database URL that is not PostgreSQL\'s without echoing it', async () => {
    const run = await runCaptured(['site', 'list', '--database-url', 'mysql://root:hunter2@db/parley']);
    expect(run.code).toBe(2);
    expect(run.err).toEqual(['parley: --database-url takes a PostgreSQL URL, postgres://user:password@host:5432/database']);
  });
});
