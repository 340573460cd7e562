/**
 * The account-administration part of the Storage contract, run by `describeStorageContract`
 * against every implementation: console sessions (stored, live until they expire, ended one by
 * one, all of an agent's, with the agent), and removing a site with everything of it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newVisitor } from './records.js';
import { isStorageError } from './storage-error.js';
import type { Agent, Site, Storage } from './storage.js';

/** Runs the administration contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeAdminContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: sessions and removals)`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await makeStorage();
      await storage.migrate();
    });

    afterEach(async () => {
      await storage.close();
    });

    async function anAgent(): Promise<Agent> {
      const id = randomUUID();
      return storage.createAgent({ id, email: `${id}@agents.example`, name: 'Ana', role: 'agent', passwordHash: 'h', createdAt: 1 });
    }

    async function aSite(): Promise<Site> {
      const id = randomUUID();
      return storage.createSite({ id, key: `key-${id}`, name: 'Shop', secret: 's', allowedOrigins: [], createdAt: 1 });
    }

    it('keeps a session live until it expires, and reports only live ones among those asked', async () => {
      const agent = await anAgent();
      await storage.createAgentSession({ id: 's1', agentId: agent.id, createdAt: 1_000, expiresAt: 5_000 });
      await storage.createAgentSession({ id: 's2', agentId: agent.id, createdAt: 1_000, expiresAt: 9_000 });
      expect(await storage.liveAgentSessions(['s1', 's2', 'never'], 4_999)).toEqual(new Set(['s1', 's2']));
      expect(await storage.liveAgentSessions(['s1', 's2'], 5_000)).toEqual(new Set(['s2']));
      expect(await storage.liveAgentSessions([], 0)).toEqual(new Set());
    });

    it('answers for more sessions than one query holds', async () => {
      const agent = await anAgent();
      const ids = Array.from({ length: 1_203 }, (_, i) => `bulk-${i}`);
      for (const id of ids.filter((_, i) => i % 2 === 0)) await storage.createAgentSession({ id, agentId: agent.id, createdAt: 1, expiresAt: 10 });
      const live = await storage.liveAgentSessions(ids, 2);
      expect(live.size).toBe(602);
      expect(live.has('bulk-1202')).toBe(true);
      expect(live.has('bulk-1201')).toBe(false);
    });

    it('refuses a session of an unknown agent and a reused session id', async () => {
      await expect(storage.createAgentSession({ id: 'x', agentId: 'nobody', createdAt: 1, expiresAt: 2 })).rejects.toSatisfy((e) => isStorageError(e, 'not_found'));
      const agent = await anAgent();
      await storage.createAgentSession({ id: 'dup', agentId: agent.id, createdAt: 1, expiresAt: 100 });
      await expect(storage.createAgentSession({ id: 'dup', agentId: agent.id, createdAt: 2, expiresAt: 100 })).rejects.toSatisfy((e) => isStorageError(e, 'conflict'));
    });

    it('ends one session, then every session of an agent, leaving other agents signed in', async () => {
      const ana = await anAgent();
      const bo = await anAgent();
      for (const id of ['a1', 'a2', 'a3']) await storage.createAgentSession({ id, agentId: ana.id, createdAt: 1, expiresAt: 100 });
      await storage.createAgentSession({ id: 'b1', agentId: bo.id, createdAt: 1, expiresAt: 100 });
      expect(await storage.endAgentSession('a1')).toBe(true);
      expect(await storage.endAgentSession('a1')).toBe(false);
      expect(await storage.endAgentSessions(ana.id)).toBe(2);
      expect(await storage.liveAgentSessions(['a1', 'a2', 'a3', 'b1'], 2)).toEqual(new Set(['b1']));
    });

    it('forgets sessions that expired before a new sign-in, and no live one', async () => {
      const agent = await anAgent();
      await storage.createAgentSession({ id: 'old', agentId: agent.id, createdAt: 1, expiresAt: 50 });
      await storage.createAgentSession({ id: 'current', agentId: agent.id, createdAt: 1, expiresAt: 500 });
      await storage.createAgentSession({ id: 'new', agentId: agent.id, createdAt: 100, expiresAt: 900 });
      // Ending an agent's sessions counts the rows still stored: the expired one was pruned.
      expect(await storage.endAgentSessions(agent.id)).toBe(2);
    });

    it('deletes an agent with their sessions', async () => {
      const agent = await anAgent();
      await storage.createAgentSession({ id: 'gone', agentId: agent.id, createdAt: 1, expiresAt: 100 });
      expect(await storage.deleteAgent(agent.id)).toBe(true);
      expect(await storage.deleteAgent(agent.id)).toBe(false);
      expect(await storage.getAgent(agent.id)).toBeNull();
      expect(await storage.getAgentByEmail(agent.email)).toBeNull();
      expect(await storage.liveAgentSessions(['gone'], 2)).toEqual(new Set());
      // The email is free again.
      await storage.createAgent({ ...agent, id: randomUUID() });
    });

    it('deletes a site with its visitors, conversations, messages and callbacks, and nothing of another site', async () => {
      const site = await aSite();
      const other = await aSite();
      const visitor = await storage.createVisitor(newVisitor(randomUUID(), site.id, 1));
      const kept = await storage.createVisitor(newVisitor(randomUUID(), other.id, 1));
      await storage.addPageView(visitor.id, { url: 'https://shop.example/', title: 'Home', at: 1 });
      await storage.addEvent(visitor.id, { name: 'cart', props: {}, at: 1 });
      const conversation = await storage.createConversation({ id: randomUUID(), siteId: site.id, visitorId: visitor.id, createdAt: 1 });
      const keptConversation = await storage.createConversation({ id: randomUUID(), siteId: other.id, visitorId: kept.id, createdAt: 1 });
      const message = { author: 'visitor' as const, text: 'hi', at: 2 };
      await storage.appendMessage({ ...message, id: randomUUID(), conversationId: conversation.id, clientId: 'c1', authorId: visitor.id });
      await storage.appendMessage({ ...message, id: randomUUID(), conversationId: conversation.id, clientId: 'c2', authorId: visitor.id });
      await storage.appendMessage({ ...message, id: randomUUID(), conversationId: keptConversation.id, clientId: 'c1', authorId: kept.id });
      await storage.createCallback({ id: randomUUID(), clientId: 'cb', conversationId: conversation.id, visitorId: visitor.id, phone: '+442071234567', window: null, note: null, createdAt: 3 });

      expect(await storage.deleteSite(site.id)).toEqual({ visitors: 1, conversations: 1, messages: 2, callbacks: 1 });
      expect(await storage.getSite(site.id)).toBeNull();
      expect(await storage.getSiteByKey(site.key)).toBeNull();
      expect(await storage.getVisitor(visitor.id)).toBeNull();
      expect(await storage.getConversation(conversation.id)).toBeNull();
      expect(await storage.listMessages(conversation.id, 0, 10)).toEqual([]);
      expect(await storage.findMessageByClientId(visitor.id, 'c1')).toBeNull();
      expect(await storage.listCallbacks({ visitorId: visitor.id, limit: 10 })).toEqual([]);
      expect(await storage.listPageViews(visitor.id, 10)).toEqual([]);
      expect(await storage.listEvents(visitor.id, 10)).toEqual([]);
      expect(await storage.deleteSite(site.id)).toBeNull();

      expect(await storage.listSites()).toEqual([other]);
      expect((await storage.listMessages(keptConversation.id, 0, 10)).map((m) => m.text)).toEqual(['hi']);
      // The key can be given to a new site.
      await storage.createSite({ ...site, id: randomUUID() });
    });
  });
}
