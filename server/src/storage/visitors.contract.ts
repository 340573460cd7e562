/**
 * Part of the Storage contract, run by `describeStorageContract` against every implementation:
 * Visitors: identity rules, page views and events, and merging one visitor into another.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from './storage.js';
import { aConversation, aMessage, aSite, aVisitor, rejectionCode, siteWithVisitor, useContractStore } from './contract-fixtures.js';

/** Runs this part of the contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeVisitorContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`${name} (Storage contract: visitors)`, () => {
    let storage: Storage;
    useContractStore(makeStorage, (store) => (storage = store));

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
        const { visitor } = await siteWithVisitor(storage);
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

      it('touches many visitors in one call, changing only what each touch names', async () => {
        const { visitor } = await siteWithVisitor(storage);
        const named = await storage.createVisitor(aVisitor(visitor.siteId, { lastSeenAt: 1_100 }));
        // Written after the touch was made: the touch must not undo it.
        await storage.updateVisitor(named.id, { name: 'Kim', userId: 'u-9', attributes: { plan: 'pro' } });
        const page = { url: 'https://shop.example/a', title: 'A', at: 2_000 };
        await storage.touchVisitors([
          { visitorId: visitor.id, lastSeenAt: 2_000, browser: 'Firefox 140', os: 'Linux', language: 'ko-KR', currentPage: page, pages: [page] },
          { visitorId: named.id, lastSeenAt: 3_000 },
          { visitorId: 'merged-away', lastSeenAt: 3_000 },
        ]);
        expect(await storage.getVisitor(visitor.id)).toMatchObject({ lastSeenAt: 2_000, browser: 'Firefox 140', os: 'Linux', language: 'ko-KR', currentPage: page });
        expect(await storage.listPageViews(visitor.id, 5)).toEqual([page]);
        expect(await storage.getVisitor(named.id)).toMatchObject({ lastSeenAt: 3_000, name: 'Kim', userId: 'u-9', attributes: { plan: 'pro' } });
        expect(await storage.listPageViews(named.id, 5)).toEqual([]);
        expect(await storage.getVisitor('merged-away')).toBeNull();
      });

      it('never moves a touched visitor back in time, and caps its page views', async () => {
        const { visitor } = await siteWithVisitor(storage);
        const later = { url: 'https://shop.example/later', title: 'Later', at: 5_000 };
        await storage.updateVisitor(visitor.id, { lastSeenAt: 5_000, currentPage: later });
        const earlier = (at: number) => ({ url: `https://shop.example/${at}`, title: `Page ${at}`, at });
        await storage.touchVisitors([{ visitorId: visitor.id, lastSeenAt: 4_000, currentPage: earlier(4_000), pages: [earlier(3_000), earlier(4_000)] }], 2);
        await storage.touchVisitors([{ visitorId: visitor.id, lastSeenAt: 4_500, pages: [earlier(4_500)] }], 2);
        expect(await storage.getVisitor(visitor.id)).toMatchObject({ lastSeenAt: 5_000, currentPage: later });
        expect((await storage.listPageViews(visitor.id, 10)).map((p) => p.at)).toEqual([4_500, 4_000]);
      });

      it('lists page views and events newest first, at most the limit', async () => {
        const { visitor } = await siteWithVisitor(storage);
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
        const { visitor } = await siteWithVisitor(storage);
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
        const moved = await aConversation(storage, { siteId: site.id, visitorId: anonymous.id, createdAt: 2_000 });
        const kept = await aConversation(storage, { siteId: site.id, visitorId: known.id, createdAt: 1_000 });
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
        const conversation = await aConversation(storage, { siteId: site.id, visitorId: anonymous.id });
        const { message } = await storage.appendMessage(aMessage(conversation.id, { authorId: anonymous.id }));
        await storage.mergeVisitor(anonymous.id, known.id);
        expect(await storage.listMessages(conversation.id, 0, 10)).toEqual([message]);
      });

      it('does nothing when the source is already gone, and refuses an unknown target', async () => {
        const { visitor } = await siteWithVisitor(storage);
        await storage.mergeVisitor('gone', visitor.id);
        expect(await storage.getVisitor(visitor.id)).toEqual(visitor);
        expect(await rejectionCode(storage.mergeVisitor(visitor.id, 'nope'))).toBe('not_found');
        expect(await storage.getVisitor(visitor.id)).toEqual(visitor);
      });
    });
  });
}
