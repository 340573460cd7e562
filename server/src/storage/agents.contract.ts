/**
 * Part of the Storage contract, run by `describeStorageContract` against every implementation:
 * Agents and their site memberships.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from './storage.js';
import { anAgent, aSite, rejectionCode, useContractStore } from './contract-fixtures.js';

/** Runs this part of the contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeAgentContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: agents)`, () => {
    let storage: Storage;
    useContractStore(makeStorage, (store) => (storage = store));

    describe('agents', () => {
      it('stores an agent and finds it by email in any letter case', async () => {
        const agent = await storage.createAgent(anAgent({ email: 'Ana.Lee@Example.com' }));
        expect(await storage.getAgent(agent.id)).toEqual(agent);
        expect(await storage.getAgentByEmail('ana.lee@example.com')).toEqual(agent);
        expect(await storage.getAgentByEmail('ANA.LEE@EXAMPLE.COM')).toEqual(agent);
        expect(await storage.getAgentByEmail('someone@example.com')).toBeNull();
      });

      it('refuses a second agent whose email differs only in case', async () => {
        await storage.createAgent(anAgent({ email: 'ana@example.com' }));
        expect(await rejectionCode(storage.createAgent(anAgent({ email: 'ANA@example.com' })))).toBe('conflict');
      });

      it('lists every agent', async () => {
        const first = await storage.createAgent(anAgent({ createdAt: 1 }));
        const second = await storage.createAgent(anAgent({ createdAt: 2 }));
        expect(await storage.listAgents()).toEqual([first, second]);
      });

      it('updates role, name and password hash, and finds the agent by a changed email', async () => {
        const agent = await storage.createAgent(anAgent());
        const updated = await storage.updateAgent(agent.id, {
          role: 'admin',
          name: 'Ana B.',
          passwordHash: 'scrypt$new',
          email: 'new@example.com',
        });
        expect(updated).toEqual({ ...agent, role: 'admin', name: 'Ana B.', passwordHash: 'scrypt$new', email: 'new@example.com' });
        expect(await storage.getAgentByEmail('NEW@example.com')).toEqual(updated);
        expect(await storage.getAgentByEmail(agent.email)).toBeNull();
      });

      it('refuses to update an unknown agent or to take another agent email', async () => {
        const agent = await storage.createAgent(anAgent());
        const other = await storage.createAgent(anAgent());
        expect(await rejectionCode(storage.updateAgent('nope', { name: 'x' }))).toBe('not_found');
        expect(await rejectionCode(storage.updateAgent(agent.id, { email: other.email.toUpperCase() }))).toBe('conflict');
      });
    });

    describe('agent sites', () => {
      it('starts with no site and lists the sites added, oldest site first, each once', async () => {
        const agent = await storage.createAgent(anAgent());
        const newer = await storage.createSite(aSite({ createdAt: 2_000 }));
        const older = await storage.createSite(aSite({ createdAt: 1_000 }));
        expect(await storage.listAgentSites(agent.id)).toEqual([]);
        await storage.addAgentSites(agent.id, [newer.id]);
        await storage.addAgentSites(agent.id, [older.id, newer.id]);
        expect(await storage.listAgentSites(agent.id)).toEqual([older.id, newer.id]);
      });

      it('removes memberships, ignoring a site the agent does not belong to', async () => {
        const agent = await storage.createAgent(anAgent());
        const [a, b, c] = [await storage.createSite(aSite()), await storage.createSite(aSite()), await storage.createSite(aSite())];
        await storage.addAgentSites(agent.id, [a.id, b.id]);
        await storage.removeAgentSites(agent.id, [a.id, c.id]);
        expect(await storage.listAgentSites(agent.id)).toEqual([b.id]);
      });

      it('keeps each agent memberships apart', async () => {
        const ana = await storage.createAgent(anAgent());
        const ben = await storage.createAgent(anAgent());
        const site = await storage.createSite(aSite());
        await storage.addAgentSites(ana.id, [site.id]);
        expect(await storage.listAgentSites(ben.id)).toEqual([]);
        expect(await storage.listAgentSites('nobody')).toEqual([]);
      });

      it('refuses an unknown agent or site and adds nothing', async () => {
        const agent = await storage.createAgent(anAgent());
        const site = await storage.createSite(aSite());
        expect(await rejectionCode(storage.addAgentSites('nobody', [site.id]))).toBe('not_found');
        expect(await rejectionCode(storage.addAgentSites(agent.id, [site.id, 'no-site']))).toBe('not_found');
        expect(await rejectionCode(storage.removeAgentSites('nobody', [site.id]))).toBe('not_found');
        expect(await storage.listAgentSites(agent.id)).toEqual([]);
      });
    });
  });
}
