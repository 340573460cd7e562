import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap, demoOrigins, loadSecret } from './bootstrap.js';
import { resolveOptions } from './options.js';
import { MemoryStorage } from './storage/memory-storage.js';

describe('bootstrap', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates the relay secret once and keeps it in the data dir', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-boot-'));
    const first = await loadSecret({ secret: null, dataDir: dir });
    expect(await loadSecret({ secret: null, dataDir: dir })).toBe(first);
    expect((await readFile(join(dir, 'relay-secret'), 'utf8')).trim()).toBe(first);
    expect(await loadSecret({ secret: 'given', dataDir: dir })).toBe('given');
  });

  it('creates the demo site and admin on first start only, reporting generated credentials', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-boot-'));
    const storage = new MemoryStorage();
    await storage.migrate();
    const options = resolveOptions({ dataDir: dir, allowedOrigins: ['https://shop.example'] });
    const first = await bootstrap(storage, options, 'http://localhost:8080');
    expect(first.created.adminPassword).toBeTruthy();
    expect(first.created.demoSiteSecret).toBe(first.demoSite.secret);
    expect(first.demoSite.allowedOrigins).toEqual(['http://localhost:8080', 'http://localhost:*', 'http://127.0.0.1:*', 'https://shop.example']);
    const again = await bootstrap(storage, options, 'https://chat.example');
    expect(again.created).toEqual({ adminPassword: null, demoSiteSecret: null });
    expect(again.demoSite.id).toBe(first.demoSite.id);
    expect(again.demoSite.allowedOrigins).toContain('https://chat.example');
    expect(await storage.listAgents()).toHaveLength(1);
  });

  it('makes agents added before the first start members of the demo site, the first site', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-boot-'));
    const storage = new MemoryStorage();
    await storage.migrate();
    await storage.createAgent({ id: 'early', email: 'early@example.com', name: 'Early', role: 'agent', passwordHash: 'x', createdAt: 1 });
    const { demoSite } = await bootstrap(storage, resolveOptions({ dataDir: dir }), 'http://localhost:8080');
    expect(await storage.listAgentSites('early')).toEqual([demoSite.id]);
  });

  it('lists the relay origin and local ports for the demo site', () => {
    expect(demoOrigins('http://localhost:8080', [])).toEqual(['http://localhost:8080', 'http://localhost:*', 'http://127.0.0.1:*']);
  });
});
