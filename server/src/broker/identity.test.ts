import { describe, expect, it } from 'vitest';
import { computeUserHash } from '../auth/user-hash.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { Visitor } from '../storage/storage.js';
import { applyIdentity, applyIdentityOrStartOver, createAnonymousVisitor, identityState } from './identity.js';

const hashOf = (userId: string): string => computeUserHash(userId, 'secret');

async function setup(storage = new MemoryStorage()) {
  await storage.migrate();
  const site = await storage.createSite({ id: 'site1', key: 'demo', name: 'Demo', secret: 'secret', allowedOrigins: [], createdAt: 1 });
  let n = 0;
  /** A visitor of the site with one conversation of its own. */
  async function visitorWithConversation(): Promise<{ visitor: Visitor; conversationId: string }> {
    const visitor = await createAnonymousVisitor(storage, site.id, 1);
    const conversationId = `c${++n}`;
    await storage.createConversation({ id: conversationId, siteId: site.id, visitorId: visitor.id, createdAt: 1 });
    return { visitor, conversationId };
  }
  const conversationsOf = async (visitorId: string) =>
    (await storage.listConversations({ visitorId, limit: 10 })).map((c) => c.id).sort();
  return { storage, site, visitorWithConversation, conversationsOf };
}

describe('applyIdentity', () => {
  describe('from anonymous', () => {
    it('labels the visitor with an unproven claim, which is never its user id', async () => {
      const { storage, site } = await setup();
      const v = await createAnonymousVisitor(storage, site.id, 1);
      expect(identityState(v)).toBe('anonymous');
      const result = await applyIdentity(storage, site, v.id, { userId: 'u1', name: 'Lee', email: 'lee@example.com' }, 2);
      expect(result).toMatchObject({ switched: false, visitor: { id: v.id, userId: 'u1', name: 'Lee', verified: false } });
      expect(identityState(result.visitor)).toBe('labelled');
      expect(await storage.findVisitorByUserId(site.id, 'u1')).toBeNull();
    });

    it('becomes the canonical visitor of a user seen for the first time, in place', async () => {
      const { storage, site } = await setup();
      const v = await createAnonymousVisitor(storage, site.id, 1);
      const result = await applyIdentity(storage, site, v.id, { userId: 'u1', userHash: hashOf('u1'), name: 'Kim' }, 2);
      expect(result).toMatchObject({ switched: false, visitor: { id: v.id, userId: 'u1', verified: true, name: 'Kim' } });
      expect(await storage.findVisitorByUserId(site.id, 'u1')).toMatchObject({ id: v.id });
    });

    it('folds into the canonical visitor of a known user (a second device), and its tabs follow', async () => {
      const { storage, site, visitorWithConversation, conversationsOf } = await setup();
      const first = await visitorWithConversation();
      await applyIdentity(storage, site, first.visitor.id, { userId: 'u1', userHash: hashOf('u1') }, 2);
      const second = await visitorWithConversation();
      const result = await applyIdentity(storage, site, second.visitor.id, { userId: 'u1', userHash: hashOf('u1') }, 4);
      expect(result).toMatchObject({ switched: true, tabsFollow: true, visitor: { id: first.visitor.id } });
      expect(await conversationsOf(first.visitor.id)).toEqual([first.conversationId, second.conversationId].sort());
      expect(await storage.getVisitor(second.visitor.id)).toBeNull();
    });
  });

  describe('from labelled', () => {
    it('labels again with a user id verified or claimed by others, quietly and for this visitor only', async () => {
      const { storage, site } = await setup();
      const owner = await createAnonymousVisitor(storage, site.id, 1);
      await applyIdentity(storage, site, owner.id, { userId: 'taken', userHash: hashOf('taken'), name: 'Owner' }, 2);
      const other = await createAnonymousVisitor(storage, site.id, 1);
      await applyIdentity(storage, site, other.id, { userId: 'claimed', name: 'Other' }, 2);
      const v = await createAnonymousVisitor(storage, site.id, 1);
      await applyIdentity(storage, site, v.id, { userId: 'mine', name: 'Lee' }, 3);

      for (const userId of ['taken', 'claimed', 'unknown']) {
        const result = await applyIdentity(storage, site, v.id, { userId, name: 'Mallory' }, 4);
        expect(result).toMatchObject({ switched: false, visitor: { id: v.id, userId, name: 'Mallory', verified: false } });
      }
      expect(await storage.getVisitor(owner.id)).toMatchObject({ userId: 'taken', name: 'Owner', verified: true });
      expect(await storage.getVisitor(other.id)).toMatchObject({ userId: 'claimed', name: 'Other', verified: false });
      expect(await storage.findVisitorByUserId(site.id, 'taken')).toMatchObject({ id: owner.id });
      expect(await storage.findVisitorByUserId(site.id, 'claimed')).toBeNull();
    });

    it('proving a user seen for the first time moves to a NEW visitor, taking its history but not its labels', async () => {
      const { storage, site, visitorWithConversation, conversationsOf } = await setup();
      const labelled = await visitorWithConversation();
      await applyIdentity(storage, site, labelled.visitor.id, { userId: 'u1', name: 'Guess', email: 'guess@example.com' }, 2);
      const result = await applyIdentity(storage, site, labelled.visitor.id, { userId: 'u1', userHash: hashOf('u1'), name: 'Kim' }, 3);
      expect(result).toMatchObject({ switched: true, tabsFollow: false, visitor: { userId: 'u1', verified: true, name: 'Kim', email: null } });
      expect(result.visitor.id).not.toBe(labelled.visitor.id);
      expect(await storage.findVisitorByUserId(site.id, 'u1')).toMatchObject({ id: result.visitor.id });
      expect(await conversationsOf(result.visitor.id)).toEqual([labelled.conversationId]);
      expect(await storage.getVisitor(labelled.visitor.id)).toBeNull();
    });

    it('proving a known user folds into its canonical visitor', async () => {
      const { storage, site, visitorWithConversation, conversationsOf } = await setup();
      const owner = await visitorWithConversation();
      await applyIdentity(storage, site, owner.visitor.id, { userId: 'u1', userHash: hashOf('u1'), name: 'Kim' }, 2);
      const labelled = await visitorWithConversation();
      await applyIdentity(storage, site, labelled.visitor.id, { name: 'Kim?', userId: 'u1' }, 3);
      const result = await applyIdentity(storage, site, labelled.visitor.id, { userId: 'u1', userHash: hashOf('u1') }, 4);
      expect(result).toMatchObject({ switched: true, tabsFollow: false, visitor: { id: owner.visitor.id, name: 'Kim', verified: true } });
      expect(await conversationsOf(owner.visitor.id)).toEqual([owner.conversationId, labelled.conversationId].sort());
      expect(await storage.getVisitor(labelled.visitor.id)).toBeNull();
    });

    it("is never what a verified sign-in of the same user id joins (the takeover of issue 8)", async () => {
      const { storage, site, visitorWithConversation, conversationsOf } = await setup();
      const attacker = await visitorWithConversation();
      await applyIdentity(storage, site, attacker.visitor.id, { userId: 'victim', name: 'Mallory' }, 2);
      const victim = await visitorWithConversation();
      const result = await applyIdentity(storage, site, victim.visitor.id, { userId: 'victim', userHash: hashOf('victim') }, 3);
      expect(result).toMatchObject({ switched: false, visitor: { id: victim.visitor.id, verified: true } });
      expect(await conversationsOf(attacker.visitor.id)).toEqual([attacker.conversationId]);
      expect(await storage.getVisitor(attacker.visitor.id)).toMatchObject({ verified: false, name: 'Mallory', userId: 'victim' });
    });
  });

  describe('from verified', () => {
    it('ignores the labels of an unproven claim and keeps its attributes', async () => {
      const { storage, site } = await setup();
      const v = await createAnonymousVisitor(storage, site.id, 1);
      await applyIdentity(storage, site, v.id, { userId: 'u1', userHash: hashOf('u1'), name: 'Lee' }, 2);
      const result = await applyIdentity(storage, site, v.id, { userId: 'u2', name: 'Mallory', attributes: { plan: 'pro' } }, 3);
      expect(result).toMatchObject({ switched: false, visitor: { id: v.id, userId: 'u1', verified: true, name: 'Lee', attributes: { plan: 'pro' } } });
      expect(await storage.findVisitorByUserId(site.id, 'u1')).toMatchObject({ id: v.id });
    });

    it('refreshes its labels when the same user proves itself again', async () => {
      const { storage, site } = await setup();
      const v = await createAnonymousVisitor(storage, site.id, 1);
      await applyIdentity(storage, site, v.id, { userId: 'u1', userHash: hashOf('u1'), name: 'Lee' }, 2);
      const result = await applyIdentity(storage, site, v.id, { userId: 'u1', userHash: hashOf('u1'), name: 'Lee Kim' }, 3);
      expect(result).toMatchObject({ switched: false, visitor: { id: v.id, name: 'Lee Kim', verified: true } });
    });

    it('switches to another verified user without merging, and only this connection follows', async () => {
      const { storage, site, visitorWithConversation, conversationsOf } = await setup();
      const u1 = await visitorWithConversation();
      await applyIdentity(storage, site, u1.visitor.id, { userId: 'u1', userHash: hashOf('u1') }, 2);
      const fresh = await applyIdentity(storage, site, u1.visitor.id, { userId: 'u2', userHash: hashOf('u2') }, 3);
      expect(fresh).toMatchObject({ switched: true, tabsFollow: false, visitor: { userId: 'u2', verified: true } });
      expect(await conversationsOf(fresh.visitor.id)).toEqual([]);

      const u3 = await visitorWithConversation();
      await applyIdentity(storage, site, u3.visitor.id, { userId: 'u3', userHash: hashOf('u3') }, 4);
      const known = await applyIdentity(storage, site, fresh.visitor.id, { userId: 'u3', userHash: hashOf('u3') }, 5);
      expect(known).toMatchObject({ switched: true, tabsFollow: false, visitor: { id: u3.visitor.id } });
      expect(await conversationsOf(u1.visitor.id)).toEqual([u1.conversationId]);
      expect(await conversationsOf(u3.visitor.id)).toEqual([u3.conversationId]);
      expect(await storage.getVisitor(u1.visitor.id)).toMatchObject({ userId: 'u1', verified: true });
      expect(await storage.getVisitor(fresh.visitor.id)).toMatchObject({ userId: 'u2', verified: true });
    });
  });

  it('refuses a wrong or missing hash and changes nothing', async () => {
    const { storage, site } = await setup();
    const v = await createAnonymousVisitor(storage, site.id, 1);
    await expect(applyIdentity(storage, site, v.id, { userId: 'u1', userHash: 'bad' }, 2)).rejects.toMatchObject({ code: 'identity_invalid' });
    await expect(applyIdentity(storage, site, v.id, { userHash: hashOf('u1') }, 2)).rejects.toMatchObject({ code: 'identity_invalid' });
    await expect(applyIdentity(storage, site, v.id, { userId: 'u1', userHash: computeUserHash('u1', 'other-secret') }, 2)).rejects.toMatchObject({
      code: 'identity_invalid',
    });
    expect(await storage.getVisitor(v.id)).toEqual(v);
  });

  it('answers unauthorized for a visitor that no longer exists', async () => {
    const { storage, site } = await setup();
    await expect(applyIdentity(storage, site, 'gone', { userId: 'u1' }, 2)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('starts over as a new visitor when the token\'s visitor was merged away meanwhile (HTTP)', async () => {
    const { storage, site } = await setup();
    const owner = await createAnonymousVisitor(storage, site.id, 1);
    await applyIdentity(storage, site, owner.id, { userId: 'u1', userHash: hashOf('u1') }, 2);
    const tab = await createAnonymousVisitor(storage, site.id, 1);
    // Another tab with the same token signed in first: this request's visitor is gone.
    await applyIdentity(storage, site, tab.id, { userId: 'u1', userHash: hashOf('u1') }, 3);
    const proven = await applyIdentityOrStartOver(storage, site, tab.id, { userId: 'u1', userHash: hashOf('u1') }, 4);
    expect(proven).toMatchObject({ switched: true, visitor: { id: owner.id, verified: true } });
    const claimed = await applyIdentityOrStartOver(storage, site, tab.id, { userId: 'u1', name: 'Kim' }, 5);
    expect(claimed).toMatchObject({ switched: true, visitor: { userId: 'u1', verified: false, name: 'Kim' } });
    expect([owner.id, tab.id]).not.toContain(claimed.visitor.id);
    await expect(applyIdentityOrStartOver(storage, site, tab.id, { userId: 'u1', userHash: 'bad' }, 6)).rejects.toMatchObject({ code: 'identity_invalid' });
  });

  it('joins the canonical visitor another device created between its read and its write', async () => {
    /** A store whose first lookup by user id misses a canonical visitor created meanwhile. */
    class RacingStorage extends MemoryStorage {
      raced = false;
      override async findVisitorByUserId(siteId: string, userId: string): Promise<Visitor | null> {
        if (this.raced) return super.findVisitorByUserId(siteId, userId);
        this.raced = true;
        const other = await createAnonymousVisitor(this, siteId, 1);
        await this.updateVisitor(other.id, { userId, verified: true });
        return null;
      }
    }
    for (const start of ['anonymous', 'labelled'] as const) {
      const storage = new RacingStorage();
      const { site, visitorWithConversation, conversationsOf } = await setup(storage);
      const mine = await visitorWithConversation();
      if (start === 'labelled') await applyIdentity(storage, site, mine.visitor.id, { name: 'Kim' }, 2);
      const result = await applyIdentity(storage, site, mine.visitor.id, { userId: 'u1', userHash: hashOf('u1') }, 3);
      const canonical = await storage.findVisitorByUserId(site.id, 'u1');
      expect(result).toMatchObject({ switched: true, visitor: { id: canonical!.id, verified: true } });
      expect(await conversationsOf(canonical!.id)).toEqual([mine.conversationId]);
    }
  });
});
