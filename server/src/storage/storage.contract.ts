/**
 * The one contract every Storage implementation must pass. Each driver's test file calls
 * `describeStorageContract` with a factory for a fresh, empty store; the suite migrates it,
 * exercises every method and closes it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Author } from '@parley/protocol';
import { isStorageError } from './storage-error.js';
import type { Agent, Conversation, NewMessage, Site, Storage, StorageChange, Visitor } from './storage.js';
import { newVisitor } from './records.js';
import { describeAdminContract } from './admin.contract.js';
import { describeCallbackContract } from './callbacks.contract.js';
import { describeConversationWriteContract } from './conversation-writes.contract.js';

/** A site with unique id and key; fields may be overridden. */
function aSite(overrides: Partial<Site> = {}): Site {
  const id = randomUUID();
  return {
    id,
    key: `key-${id}`,
    name: 'Shop',
    secret: 'site-secret',
    allowedOrigins: ['https://shop.example', 'http://localhost:*'],
    createdAt: 1_000,
    ...overrides,
  };
}

/** An agent with unique id and email; fields may be overridden. */
function anAgent(overrides: Partial<Agent> = {}): Agent {
  const id = randomUUID();
  return {
    id,
    email: `${id}@agents.example`,
    name: 'Ana',
    role: 'agent',
    passwordHash: 'scrypt$16384$8$1$salt$hash',
    createdAt: 1_000,
    ...overrides,
  };
}

/** An anonymous visitor of `siteId`; fields may be overridden. */
function aVisitor(siteId: string, overrides: Partial<Visitor> = {}): Visitor {
  return { ...newVisitor(randomUUID(), siteId, 1_000), ...overrides };
}

/** A new message of `conversationId`; fields may be overridden. */
function aMessage(conversationId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    id: randomUUID(),
    conversationId,
    clientId: randomUUID(),
    author: 'visitor',
    authorId: 'visitor-1',
    text: 'Hello',
    at: 2_000,
    ...overrides,
  };
}

/** Resolves to the StorageError code a promise rejects with (fails the test if it resolves). */
async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isStorageError(error) ? error.code : `not a StorageError: ${String(error)}`;
  }
  return 'resolved';
}

/** Runs the Storage contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeStorageContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract)`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await makeStorage();
      await storage.migrate();
    });

    afterEach(async () => {
      await storage.close();
    });

    /** A site and one of its visitors, stored. */
    async function siteWithVisitor(): Promise<{ site: Site; visitor: Visitor }> {
      const site = await storage.createSite(aSite());
      const visitor = await storage.createVisitor(aVisitor(site.id));
      return { site, visitor };
    }

    /** A stored conversation of a fresh site and visitor, or of the ones given. */
    async function aConversation(
      fields: { siteId?: string; visitorId?: string; createdAt?: number } = {},
    ): Promise<Conversation> {
      let { siteId, visitorId } = fields;
      if (siteId === undefined || visitorId === undefined) {
        const created = await siteWithVisitor();
        siteId ??= created.site.id;
        visitorId ??= created.visitor.id;
      }
      return storage.createConversation({ id: randomUUID(), siteId, visitorId, createdAt: fields.createdAt ?? 1_000 });
    }

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

    describe('visitors', () => {
      it('stores a visitor with its attributes, page and flags', async () => {
        const site = await storage.createSite(aSite());
        const visitor = aVisitor(site.id, {
          userId: 'u-1',
          name: 'Kim',
          email: 'kim@example.com',
          verified: true,
          attributes: { plan: 'pro', seats: 3, trial: false, note: null },
          browser: 'Firefox 140',
          os: 'Linux',
          language: 'ko-KR',
          currentPage: { url: 'https://shop.example/cart', title: 'Cart', at: 1_500 },
        });
        expect(await storage.createVisitor(visitor)).toEqual(visitor);
        expect(await storage.getVisitor(visitor.id)).toEqual(visitor);
      });

      it('finds a verified visitor by the user id of its own site only', async () => {
        const site = await storage.createSite(aSite());
        const otherSite = await storage.createSite(aSite());
        const visitor = await storage.createVisitor(aVisitor(site.id, { userId: 'u-1', verified: true }));
        expect(await storage.findVisitorByUserId(site.id, 'u-1')).toEqual(visitor);
        expect(await storage.findVisitorByUserId(otherSite.id, 'u-1')).toBeNull();
        expect(await storage.findVisitorByUserId(site.id, 'u-2')).toBeNull();
      });

      it('allows one verified visitor per user id and site, and any number of anonymous ones', async () => {
        const site = await storage.createSite(aSite());
        const otherSite = await storage.createSite(aSite());
        await storage.createVisitor(aVisitor(site.id, { userId: 'u-1', verified: true }));
        await storage.createVisitor(aVisitor(site.id));
        await storage.createVisitor(aVisitor(site.id));
        await storage.createVisitor(aVisitor(otherSite.id, { userId: 'u-1', verified: true }));
        expect(await rejectionCode(storage.createVisitor(aVisitor(site.id, { userId: 'u-1', verified: true })))).toBe('conflict');
        const anonymous = await storage.createVisitor(aVisitor(site.id));
        expect(await rejectionCode(storage.updateVisitor(anonymous.id, { userId: 'u-1', verified: true }))).toBe('conflict');
        expect(await storage.getVisitor(anonymous.id)).toMatchObject({ userId: null, verified: false });
      });

      it('never finds an unverified claim of a user id, and lets several visitors claim the same one', async () => {
        const site = await storage.createSite(aSite());
        const first = await storage.createVisitor(aVisitor(site.id, { userId: 'u-1', name: 'Mallory' }));
        const anonymous = await storage.createVisitor(aVisitor(site.id));
        const second = await storage.updateVisitor(anonymous.id, { userId: 'u-1', name: 'Eve' });
        expect(second).toMatchObject({ userId: 'u-1', verified: false });
        expect(await storage.getVisitor(first.id)).toEqual(first);
        expect(await storage.findVisitorByUserId(site.id, 'u-1')).toBeNull();

        // A verified visitor takes the id beside the claims, and only it is found.
        const verified = await storage.createVisitor(aVisitor(site.id, { userId: 'u-1', verified: true }));
        expect(await storage.findVisitorByUserId(site.id, 'u-1')).toEqual(verified);
        const third = await storage.createVisitor(aVisitor(site.id, { userId: 'u-1' }));
        expect(await storage.getVisitor(third.id)).toMatchObject({ userId: 'u-1', verified: false });
        expect(await storage.findVisitorByUserId(site.id, 'u-1')).toEqual(verified);

        // A claim being verified meets the verified visitor's id: a conflict, and nothing changes.
        expect(await rejectionCode(storage.updateVisitor(first.id, { verified: true }))).toBe('conflict');
        expect(await storage.getVisitor(first.id)).toEqual(first);
      });

      it('refuses a visitor of an unknown site', async () => {
        expect(await rejectionCode(storage.createVisitor(aVisitor('nope')))).toBe('not_found');
      });

      it('patches the given fields and keeps id, site and first-seen time', async () => {
        const { visitor } = await siteWithVisitor();
        const patch = {
          userId: 'u-9',
          name: 'Lee',
          verified: true,
          attributes: { plan: 'team' },
          currentPage: { url: 'https://shop.example/', title: 'Home', at: 3_000 },
          lastSeenAt: 3_000,
        };
        const updated = await storage.updateVisitor(visitor.id, patch);
        expect(updated).toEqual({ ...visitor, ...patch });
        expect(await storage.getVisitor(visitor.id)).toEqual(updated);
        expect(await storage.findVisitorByUserId(visitor.siteId, 'u-9')).toEqual(updated);
        const cleared = await storage.updateVisitor(visitor.id, { currentPage: null, name: null });
        expect(cleared).toEqual({ ...updated, currentPage: null, name: null });
      });

      it('refuses to update an unknown visitor', async () => {
        expect(await rejectionCode(storage.updateVisitor('nope', { name: 'x' }))).toBe('not_found');
      });

      it('lists page views and events newest first, at most the limit', async () => {
        const { visitor } = await siteWithVisitor();
        for (const at of [10, 30, 20]) {
          await storage.addPageView(visitor.id, { url: `https://shop.example/${at}`, title: `Page ${at}`, at });
          await storage.addEvent(visitor.id, { name: `event-${at}`, props: { at, ok: true }, at });
        }
        expect(await storage.listPageViews(visitor.id, 2)).toEqual([
          { url: 'https://shop.example/30', title: 'Page 30', at: 30 },
          { url: 'https://shop.example/20', title: 'Page 20', at: 20 },
        ]);
        expect(await storage.listEvents(visitor.id, 5)).toEqual([
          { name: 'event-30', props: { at: 30, ok: true }, at: 30 },
          { name: 'event-20', props: { at: 20, ok: true }, at: 20 },
          { name: 'event-10', props: { at: 10, ok: true }, at: 10 },
        ]);
        expect(await storage.listPageViews('nobody', 5)).toEqual([]);
      });

      it('keeps only the newest page views and events of a visitor when given a cap', async () => {
        const { visitor } = await siteWithVisitor();
        const other = await storage.createVisitor(aVisitor(visitor.siteId));
        await storage.addPageView(other.id, { url: 'https://shop.example/other', title: 'Other', at: 1 }, 2);
        // Out of order on purpose: "newest" is by time, as listed, not by arrival.
        for (const at of [10, 40, 20, 50, 30]) {
          await storage.addPageView(visitor.id, { url: `https://shop.example/${at}`, title: `Page ${at}`, at }, 3);
          await storage.addEvent(visitor.id, { name: `event-${at}`, props: {}, at }, 2);
        }
        expect((await storage.listPageViews(visitor.id, 100)).map((p) => p.at)).toEqual([50, 40, 30]);
        expect((await storage.listEvents(visitor.id, 100)).map((e) => e.at)).toEqual([50, 40]);
        // Another visitor's history is not touched by the cap.
        expect(await storage.listPageViews(other.id, 100)).toHaveLength(1);
        // Without a cap nothing is deleted.
        await storage.addPageView(visitor.id, { url: 'https://shop.example/60', title: 'Page 60', at: 60 });
        expect(await storage.listPageViews(visitor.id, 100)).toHaveLength(4);
      });

      it('refuses page views and events of an unknown visitor', async () => {
        expect(await rejectionCode(storage.addPageView('nope', { url: 'https://x.example/', title: '', at: 1 }))).toBe('not_found');
        expect(await rejectionCode(storage.addEvent('nope', { name: 'x', props: {}, at: 1 }))).toBe('not_found');
      });
    });

    describe('mergeVisitor', () => {
      it('moves conversations, page views and events into the target and deletes the source', async () => {
        const site = await storage.createSite(aSite());
        const anonymous = await storage.createVisitor(aVisitor(site.id));
        const known = await storage.createVisitor(aVisitor(site.id, { userId: 'u-1' }));
        const moved = await aConversation({ siteId: site.id, visitorId: anonymous.id, createdAt: 2_000 });
        const kept = await aConversation({ siteId: site.id, visitorId: known.id, createdAt: 1_000 });
        await storage.addPageView(anonymous.id, { url: 'https://shop.example/a', title: 'A', at: 20 });
        await storage.addPageView(known.id, { url: 'https://shop.example/k', title: 'K', at: 10 });
        await storage.addEvent(anonymous.id, { name: 'signup', props: {}, at: 30 });

        await storage.mergeVisitor(anonymous.id, known.id);

        expect(await storage.getVisitor(anonymous.id)).toBeNull();
        expect(await storage.getVisitor(known.id)).toEqual(known);
        expect((await storage.getConversation(moved.id))?.visitorId).toBe(known.id);
        const ofKnown = await storage.listConversations({ visitorId: known.id, limit: 10 });
        expect(ofKnown.map((c) => c.id)).toEqual([moved.id, kept.id]);
        expect(await storage.listConversations({ visitorId: anonymous.id, limit: 10 })).toEqual([]);
        expect((await storage.listPageViews(known.id, 10)).map((p) => p.title)).toEqual(['A', 'K']);
        expect((await storage.listEvents(known.id, 10)).map((e) => e.name)).toEqual(['signup']);
        expect(await storage.listPageViews(anonymous.id, 10)).toEqual([]);
      });

      it('keeps the messages of moved conversations', async () => {
        const site = await storage.createSite(aSite());
        const anonymous = await storage.createVisitor(aVisitor(site.id));
        const known = await storage.createVisitor(aVisitor(site.id));
        const conversation = await aConversation({ siteId: site.id, visitorId: anonymous.id });
        const { message } = await storage.appendMessage(aMessage(conversation.id, { authorId: anonymous.id }));
        await storage.mergeVisitor(anonymous.id, known.id);
        expect(await storage.listMessages(conversation.id, 0, 10)).toEqual([message]);
      });

      it('does nothing when the source is already gone, and refuses an unknown target', async () => {
        const { visitor } = await siteWithVisitor();
        await storage.mergeVisitor('gone', visitor.id);
        expect(await storage.getVisitor(visitor.id)).toEqual(visitor);
        expect(await rejectionCode(storage.mergeVisitor(visitor.id, 'nope'))).toBe('not_found');
        expect(await storage.getVisitor(visitor.id)).toEqual(visitor);
      });
    });

    describe('conversations', () => {
      it('starts open, unassigned, empty and unread', async () => {
        const { site, visitor } = await siteWithVisitor();
        const conversation = await storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: visitor.id, createdAt: 5_000 });
        const expected: Conversation = {
          id: 'c-1',
          siteId: site.id,
          visitorId: visitor.id,
          status: 'open',
          assigneeId: null,
          createdAt: 5_000,
          updatedAt: 5_000,
          resolvedAt: null,
          lastSeq: 0,
          lastMessage: null,
          firstResponseAt: null,
          visitorReadSeq: 0,
          agentReadSeq: 0,
        };
        expect(conversation).toEqual(expected);
        expect(await storage.getConversation('c-1')).toEqual(expected);
        expect(await storage.getConversation('nope')).toBeNull();
      });

      it('refuses a conversation of an unknown site or visitor, or with a taken id', async () => {
        const { site, visitor } = await siteWithVisitor();
        expect(await rejectionCode(storage.createConversation({ id: 'c-1', siteId: 'nope', visitorId: visitor.id, createdAt: 1 }))).toBe('not_found');
        expect(await rejectionCode(storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: 'nope', createdAt: 1 }))).toBe('not_found');
        await storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: visitor.id, createdAt: 1 });
        expect(await rejectionCode(storage.createConversation({ id: 'c-1', siteId: site.id, visitorId: visitor.id, createdAt: 1 }))).toBe('conflict');
      });

      it('applies a patch and moves updatedAt forward, never back', async () => {
        const agent = await storage.createAgent(anAgent());
        const conversation = await aConversation({ createdAt: 1_000 });
        const assigned = await storage.updateConversation(conversation.id, { assigneeId: agent.id }, 2_000);
        expect(assigned).toEqual({ ...conversation, assigneeId: agent.id, updatedAt: 2_000 });
        const resolved = await storage.updateConversation(conversation.id, { status: 'resolved', resolvedAt: 3_000 }, 3_000);
        expect(resolved).toEqual({ ...assigned, status: 'resolved', resolvedAt: 3_000, updatedAt: 3_000 });
        const reopened = await storage.updateConversation(conversation.id, { status: 'open', resolvedAt: null, assigneeId: null }, 2_500);
        expect(reopened).toEqual({ ...resolved, status: 'open', resolvedAt: null, assigneeId: null, updatedAt: 3_000 });
        expect(await storage.getConversation(conversation.id)).toEqual(reopened);
      });

      it('records read seqs of each side', async () => {
        const conversation = await aConversation();
        for (let i = 0; i < 3; i += 1) await storage.appendMessage(aMessage(conversation.id));
        await storage.updateConversation(conversation.id, { visitorReadSeq: 3 }, 4_000);
        const updated = await storage.updateConversation(conversation.id, { agentReadSeq: 2 }, 4_000);
        expect(updated.visitorReadSeq).toBe(3);
        expect(updated.agentReadSeq).toBe(2);
        expect(await storage.getConversation(conversation.id)).toMatchObject({ visitorReadSeq: 3, agentReadSeq: 2, lastSeq: 3 });
      });

      it('refuses to update an unknown conversation', async () => {
        expect(await rejectionCode(storage.updateConversation('nope', { status: 'resolved' }, 1))).toBe('not_found');
      });

      describe('listConversations', () => {
        /**
         * Two sites, five visitors, two agents and six conversations with known times. A visitor
         * has one open conversation at most, so `va2`'s first one (a3) is resolved before a4.
         */
        async function inbox() {
          const siteA = await storage.createSite(aSite());
          const siteB = await storage.createSite(aSite());
          const ana = await storage.createAgent(anAgent());
          const bo = await storage.createAgent(anAgent());
          const va1 = await storage.createVisitor(aVisitor(siteA.id));
          const va2 = await storage.createVisitor(aVisitor(siteA.id));
          const va3 = await storage.createVisitor(aVisitor(siteA.id));
          const vb = await storage.createVisitor(aVisitor(siteB.id));
          const vb2 = await storage.createVisitor(aVisitor(siteB.id));
          const make = async (id: string, siteId: string, visitorId: string, at: number) =>
            storage.createConversation({ id, siteId, visitorId, createdAt: at });
          await make('a1', siteA.id, va1.id, 100);
          await make('a2', siteA.id, va3.id, 200);
          await make('a3', siteA.id, va2.id, 300);
          await storage.updateConversation('a3', { status: 'resolved', resolvedAt: 600, assigneeId: bo.id }, 600);
          await make('a4', siteA.id, va2.id, 400);
          await make('b1', siteB.id, vb.id, 250);
          await make('b2', siteB.id, vb2.id, 350);
          await storage.updateConversation('a2', { assigneeId: ana.id }, 500);
          await storage.updateConversation('b1', { assigneeId: ana.id }, 450);
          return { siteA, siteB, ana, bo, va1, va2, vb };
        }

        const ids = (conversations: Conversation[]) => conversations.map((c) => c.id);

        it('lists newest updatedAt first, at most the limit', async () => {
          await inbox();
          expect(ids(await storage.listConversations({ limit: 10 }))).toEqual(['a3', 'a2', 'b1', 'a4', 'b2', 'a1']);
          expect(ids(await storage.listConversations({ limit: 2 }))).toEqual(['a3', 'a2']);
          expect(await storage.listConversations({ limit: 0 })).toEqual([]);
        });

        it('filters by sites', async () => {
          const { siteA, siteB } = await inbox();
          expect(ids(await storage.listConversations({ siteIds: [siteB.id], limit: 10 }))).toEqual(['b1', 'b2']);
          expect(ids(await storage.listConversations({ siteIds: [siteA.id, siteB.id], limit: 3 }))).toEqual(['a3', 'a2', 'b1']);
          expect(await storage.listConversations({ siteIds: [], limit: 10 })).toEqual([]);
        });

        it('filters by visitor', async () => {
          const { va1, va2, vb } = await inbox();
          expect(ids(await storage.listConversations({ visitorId: va2.id, limit: 10 }))).toEqual(['a3', 'a4']);
          expect(ids(await storage.listConversations({ visitorId: va1.id, limit: 10 }))).toEqual(['a1']);
          expect(ids(await storage.listConversations({ visitorId: vb.id, limit: 10 }))).toEqual(['b1']);
        });

        it('filters by status', async () => {
          await inbox();
          expect(ids(await storage.listConversations({ status: 'resolved', limit: 10 }))).toEqual(['a3']);
          expect(ids(await storage.listConversations({ status: 'open', limit: 10 }))).toEqual(['a2', 'b1', 'a4', 'b2', 'a1']);
        });

        it('tells unassigned (null) from one agent apart from no assignee filter', async () => {
          const { siteA, ana } = await inbox();
          expect(ids(await storage.listConversations({ assigneeId: null, limit: 10 }))).toEqual(['a4', 'b2', 'a1']);
          expect(ids(await storage.listConversations({ assigneeId: ana.id, limit: 10 }))).toEqual(['a2', 'b1']);
          expect(ids(await storage.listConversations({ siteIds: [siteA.id], status: 'open', assigneeId: null, limit: 10 }))).toEqual(['a4', 'a1']);
          expect(ids(await storage.listConversations({ siteIds: [siteA.id], status: 'open', assigneeId: ana.id, limit: 10 }))).toEqual(['a2']);
        });

        it('pages with before, strictly older than the given time', async () => {
          await inbox();
          expect(ids(await storage.listConversations({ before: 450, limit: 10 }))).toEqual(['a4', 'b2', 'a1']);
          expect(ids(await storage.listConversations({ before: 400, status: 'open', limit: 1 }))).toEqual(['b2']);
        });

        it('orders by the time of the newest message', async () => {
          const { va2 } = await inbox();
          await storage.appendMessage(aMessage('a4', { at: 900 }));
          expect(ids(await storage.listConversations({ visitorId: va2.id, limit: 10 }))).toEqual(['a4', 'a3']);
        });
      });
    });

    describe('appendMessage', () => {
      it('assigns seqs 1..n in each conversation on its own', async () => {
        const first = await aConversation();
        const second = await aConversation();
        const seqs: number[] = [];
        for (let i = 0; i < 3; i += 1) seqs.push((await storage.appendMessage(aMessage(first.id))).message.seq);
        seqs.push((await storage.appendMessage(aMessage(second.id))).message.seq);
        expect(seqs).toEqual([1, 2, 3, 1]);
      });

      it('returns the stored message and updates the conversation summary', async () => {
        const conversation = await aConversation({ createdAt: 1_000 });
        const input = aMessage(conversation.id, { text: 'Where is my order?', authorName: 'Kim', at: 2_500 });
        const result = await storage.appendMessage(input);
        expect(result).toEqual({
          duplicate: false,
          message: {
            id: input.id,
            conversationId: conversation.id,
            seq: 1,
            clientId: input.clientId,
            author: 'visitor',
            authorId: input.authorId,
            authorName: 'Kim',
            text: 'Where is my order?',
            at: 2_500,
          },
        });
        expect(await storage.getConversation(conversation.id)).toEqual({
          ...conversation,
          lastSeq: 1,
          lastMessage: { text: 'Where is my order?', author: 'visitor', at: 2_500 },
          updatedAt: 2_500,
        });
      });

      it('leaves authorName out when none was given', async () => {
        const conversation = await aConversation();
        const { message } = await storage.appendMessage(aMessage(conversation.id));
        expect('authorName' in message).toBe(false);
        const [listed] = await storage.listMessages(conversation.id, 0, 1);
        expect(listed && 'authorName' in listed).toBe(false);
      });

      it('sets firstResponseAt on the first agent message only', async () => {
        const conversation = await aConversation();
        const reply = (author: Author, at: number) => storage.appendMessage(aMessage(conversation.id, { author, authorId: author === 'system' ? '' : `${author}-1`, at }));
        await reply('visitor', 2_000);
        await reply('system', 2_500);
        expect((await storage.getConversation(conversation.id))?.firstResponseAt).toBeNull();
        await reply('agent', 3_000);
        await reply('agent', 4_000);
        expect((await storage.getConversation(conversation.id))?.firstResponseAt).toBe(3_000);
      });

      it('returns the first message with duplicate: true for a repeated (authorId, clientId) and writes nothing', async () => {
        const conversation = await aConversation();
        const input = aMessage(conversation.id, { at: 2_000 });
        const first = await storage.appendMessage(input);
        const before = await storage.getConversation(conversation.id);
        const retry = await storage.appendMessage({ ...input, id: randomUUID(), text: 'changed', at: 9_000 });
        expect(retry).toEqual({ message: first.message, duplicate: true });
        expect(await storage.getConversation(conversation.id)).toEqual(before);
        expect(await storage.listMessages(conversation.id, 0, 10)).toEqual([first.message]);
      });

      it('finds a repeated clientId even when the retry names another conversation', async () => {
        const conversation = await aConversation();
        const other = await aConversation();
        const input = aMessage(conversation.id);
        const first = await storage.appendMessage(input);
        const retry = await storage.appendMessage({ ...input, conversationId: other.id });
        expect(retry).toEqual({ message: first.message, duplicate: true });
        expect(await storage.listMessages(other.id, 0, 10)).toEqual([]);
      });

      it('treats the same clientId from another author as a new message', async () => {
        const conversation = await aConversation();
        const first = await storage.appendMessage(aMessage(conversation.id, { clientId: 'same', authorId: 'visitor-1' }));
        const second = await storage.appendMessage(aMessage(conversation.id, { clientId: 'same', author: 'agent', authorId: 'agent-1' }));
        expect(second.duplicate).toBe(false);
        expect(second.message.seq).toBe(first.message.seq + 1);
      });

      it('refuses a message to an unknown conversation', async () => {
        expect(await rejectionCode(storage.appendMessage(aMessage('nope')))).toBe('not_found');
      });

      it('gives gap-free unique seqs to 200 concurrent appends across 5 conversations', async () => {
        const conversations = await Promise.all(Array.from({ length: 5 }, () => aConversation()));
        const inputs = Array.from({ length: 200 }, (_, i) => aMessage(conversations[i % 5]!.id, { text: `m${i}`, at: 2_000 + i }));
        const results = await Promise.all(inputs.map((input) => storage.appendMessage(input)));
        expect(results.every((result) => !result.duplicate)).toBe(true);
        for (const conversation of conversations) {
          const seqs = results.filter((r) => r.message.conversationId === conversation.id).map((r) => r.message.seq);
          expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
          const stored = await storage.listMessages(conversation.id, 0, 100);
          expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
          expect((await storage.getConversation(conversation.id))?.lastSeq).toBe(40);
        }
      });

      it('refuses one bad message among concurrent appends without disturbing the others', async () => {
        const conversation = await aConversation();
        const results = await Promise.allSettled([
          storage.appendMessage(aMessage(conversation.id)),
          storage.appendMessage(aMessage('nope')),
          storage.appendMessage(aMessage(conversation.id)),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const refused = results[1];
        expect(refused?.status === 'rejected' && isStorageError(refused.reason, 'not_found')).toBe(true);
        expect((await storage.listMessages(conversation.id, 0, 10)).map((m) => m.seq)).toEqual([1, 2]);
      });

      it('is seen by every call made after it resolves', async () => {
        const conversation = await aConversation();
        const appended = storage.appendMessage(aMessage(conversation.id, { text: 'first' }));
        await appended;
        const [listed] = await storage.listMessages(conversation.id, 0, 10);
        const summary = await storage.getConversation(conversation.id);
        const inbox = await storage.listConversations({ visitorId: conversation.visitorId, limit: 1 });
        expect(listed).toEqual((await appended).message);
        expect(summary?.lastSeq).toBe(1);
        expect(inbox[0]?.lastSeq).toBe(1);
      });

      it('stores one message when the same send is retried concurrently', async () => {
        const conversation = await aConversation();
        const input = aMessage(conversation.id);
        const results = await Promise.all(Array.from({ length: 10 }, () => storage.appendMessage(input)));
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(new Set(results.map((r) => r.message.seq))).toEqual(new Set([1]));
        expect(await storage.listMessages(conversation.id, 0, 10)).toHaveLength(1);
      });
    });

    describe('findMessageByClientId', () => {
      it('finds a message by its author and client id', async () => {
        const conversation = await aConversation();
        const { message } = await storage.appendMessage(aMessage(conversation.id, { clientId: 'c-1', authorId: 'v-1' }));
        expect(await storage.findMessageByClientId('v-1', 'c-1')).toEqual(message);
        expect(await storage.findMessageByClientId('v-2', 'c-1')).toBeNull();
        expect(await storage.findMessageByClientId('v-1', 'c-2')).toBeNull();
      });
    });

    describe('listMessages', () => {
      it('returns messages after a seq, oldest first, at most the limit', async () => {
        const conversation = await aConversation();
        const appended = [];
        for (let i = 0; i < 5; i += 1) appended.push((await storage.appendMessage(aMessage(conversation.id, { text: `m${i}` }))).message);
        expect(await storage.listMessages(conversation.id, 0, 10)).toEqual(appended);
        expect(await storage.listMessages(conversation.id, 2, 2)).toEqual(appended.slice(2, 4));
        expect(await storage.listMessages(conversation.id, 5, 10)).toEqual([]);
        expect(await storage.listMessages(conversation.id, 0, 0)).toEqual([]);
        expect(await storage.listMessages('nope', 0, 10)).toEqual([]);
      });

      it('keeps the last message a person wrote as the last message, past system lines', async () => {
        const conversation = await aConversation();
        // Before anyone wrote, a system line is the best there is.
        await storage.appendMessage(aMessage(conversation.id, { text: 'The visitor asked to be called back', author: 'system', authorId: '', at: 1_500 }));
        expect((await storage.getConversation(conversation.id))?.lastMessage).toEqual({ text: 'The visitor asked to be called back', author: 'system', at: 1_500 });
        await storage.appendMessage(aMessage(conversation.id, { text: 'Where is my order?', author: 'visitor', at: 2_000 }));
        await storage.appendMessage(aMessage(conversation.id, { text: 'Ann resolved the conversation', author: 'system', authorId: '', at: 3_000 }));
        const after = await storage.getConversation(conversation.id);
        expect(after).toMatchObject({ lastSeq: 3, updatedAt: 3_000, lastMessage: { text: 'Where is my order?', author: 'visitor', at: 2_000 } });
        const [listed] = await storage.listConversations({ visitorId: conversation.visitorId, limit: 5 });
        expect(listed?.lastMessage).toEqual({ text: 'Where is my order?', author: 'visitor', at: 2_000 });
        await storage.appendMessage(aMessage(conversation.id, { text: 'It ships today.', author: 'agent', authorId: 'a-1', at: 4_000 }));
        expect((await storage.getConversation(conversation.id))?.lastMessage).toEqual({ text: 'It ships today.', author: 'agent', at: 4_000 });
      });

      it('hands out copies that do not change the stored messages', async () => {
        const conversation = await aConversation();
        const { message } = await storage.appendMessage(aMessage(conversation.id, { text: 'original' }));
        message.text = 'mutated';
        const [listed] = await storage.listMessages(conversation.id, 0, 1);
        if (listed) listed.text = 'mutated too';
        expect((await storage.listMessages(conversation.id, 0, 1))[0]?.text).toBe('original');
        expect((await storage.getConversation(conversation.id))?.lastMessage?.text).toBe('original');
      });
    });

    describe('watch', () => {
      /** Collects what the store reports until the returned stop function is called. */
      function watchChanges(): { changes: StorageChange[]; stop: () => void } {
        const changes: StorageChange[] = [];
        const stop = storage.watch((change) => changes.push(change));
        return { changes, stop };
      }

      it('reports each conversation state after a create, a patch and an append, before the write resolves', async () => {
        const { site, visitor } = await siteWithVisitor();
        const { changes } = watchChanges();
        const seen: number[] = [];
        storage.watch(() => seen.push(changes.length));
        const created = await storage.createConversation({ id: randomUUID(), siteId: site.id, visitorId: visitor.id, createdAt: 1_000 });
        const updated = await storage.updateConversation(created.id, { status: 'resolved', resolvedAt: 1_500 }, 1_500);
        const pending = storage.appendMessage(aMessage(created.id, { text: 'after resolve', at: 2_000 }));
        await pending;
        expect(changes).toEqual([
          { kind: 'conversation', conversation: created },
          { kind: 'conversation', conversation: updated },
          { kind: 'conversation', conversation: await storage.getConversation(created.id) },
        ]);
        expect(changes[2]).toMatchObject({ conversation: { lastSeq: 1, lastMessage: { text: 'after resolve' } } });
        expect(seen).toEqual([1, 2, 3]);
      });

      it('reports nothing for a deduplicated append or a refused write', async () => {
        const conversation = await aConversation();
        const input = aMessage(conversation.id);
        await storage.appendMessage(input);
        const { changes } = watchChanges();
        expect((await storage.appendMessage(input)).duplicate).toBe(true);
        await rejectionCode(storage.appendMessage(aMessage('no-such-conversation')));
        await rejectionCode(storage.updateConversation('no-such-conversation', { status: 'resolved' }, 3_000));
        expect(changes).toEqual([]);
      });

      it('reports visitors created and updated, and a merge once it is done', async () => {
        const { site, visitor } = await siteWithVisitor();
        const known = aVisitor(site.id, { userId: 'u-1', verified: true });
        const { changes } = watchChanges();
        const created = await storage.createVisitor(known);
        const renamed = await storage.updateVisitor(visitor.id, { name: 'Kim' });
        await storage.mergeVisitor(visitor.id, known.id);
        await storage.mergeVisitor(visitor.id, known.id);
        expect(changes).toEqual([
          { kind: 'visitor', visitor: created },
          { kind: 'visitor', visitor: renamed },
          { kind: 'visitor-merged', fromId: visitor.id, intoId: known.id },
        ]);
      });

      it('hands listeners copies, and stops calling a listener once it unwatches', async () => {
        const conversation = await aConversation();
        const { changes, stop } = watchChanges();
        await storage.updateConversation(conversation.id, { assigneeId: 'agent-1' }, 2_000);
        const [reported] = changes;
        if (reported?.kind === 'conversation') reported.conversation.assigneeId = 'mutated';
        expect((await storage.getConversation(conversation.id))?.assigneeId).toBe('agent-1');
        stop();
        await storage.updateConversation(conversation.id, { assigneeId: null }, 3_000);
        expect(changes).toHaveLength(1);
      });
    });
  });
  describeCallbackContract(name, makeStorage);
  describeAdminContract(name, makeStorage);
  describeConversationWriteContract(name, makeStorage);
}
