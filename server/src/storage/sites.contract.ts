/**
 * Part of the Storage contract, run by `describeStorageContract` against every implementation:
 * Sites, and migrating a store again.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from './storage.js';
import { aSite, rejectionCode, useContractStore } from './contract-fixtures.js';

/** Runs this part of the contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeSiteContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: sites)`, () => {
    let storage: Storage;
    useContractStore(makeStorage, (store) => (storage = store));

    describe('migrate', () => {
      it('is safe to call again on a migrated store', async () => {
        await storage.migrate();
        const site = await storage.createSite(aSite());
        await storage.migrate();
        expect(await storage.getSite(site.id)).toEqual(site);
      });
    });

    describe('sites', () => {
      it('stores a site and reads it back by id and by key', async () => {
        const site = aSite();
        expect(await storage.createSite(site)).toEqual(site);
        expect(await storage.getSite(site.id)).toEqual(site);
        expect(await storage.getSiteByKey(site.key)).toEqual(site);
      });

      it('answers null for an unknown id or key', async () => {
        expect(await storage.getSite('nope')).toBeNull();
        expect(await storage.getSiteByKey('nope')).toBeNull();
      });

      it('refuses a second site with a taken key', async () => {
        const site = await storage.createSite(aSite());
        expect(await rejectionCode(storage.createSite(aSite({ key: site.key })))).toBe('conflict');
      });

      it('lists every site', async () => {
        const first = await storage.createSite(aSite({ createdAt: 1 }));
        const second = await storage.createSite(aSite({ createdAt: 2 }));
        expect(await storage.listSites()).toEqual([first, second]);
      });

      it('updates the given fields and keeps the others', async () => {
        const site = await storage.createSite(aSite());
        const updated = await storage.updateSite(site.id, { name: 'Renamed', allowedOrigins: ['https://new.example'] });
        expect(updated).toEqual({ ...site, name: 'Renamed', allowedOrigins: ['https://new.example'] });
        expect(await storage.getSite(site.id)).toEqual(updated);
        expect(await storage.getSiteByKey(site.key)).toEqual(updated);
      });

      it('refuses to update an unknown site or to take another site key', async () => {
        const site = await storage.createSite(aSite());
        const other = await storage.createSite(aSite());
        expect(await rejectionCode(storage.updateSite('nope', { name: 'x' }))).toBe('not_found');
        expect(await rejectionCode(storage.updateSite(site.id, { key: other.key }))).toBe('conflict');
      });

      it('hands out copies that do not change the stored site', async () => {
        const site = aSite();
        const created = await storage.createSite(site);
        site.allowedOrigins.push('https://evil.example');
        created.allowedOrigins.push('https://evil.example');
        const read = await storage.getSite(site.id);
        read?.allowedOrigins.push('https://evil.example');
        expect((await storage.getSite(site.id))?.allowedOrigins).toEqual(['https://shop.example', 'http://localhost:*']);
      });
    });
  });
}
