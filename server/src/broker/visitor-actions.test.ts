import { describe, expect, it } from 'vitest';
import { computeUserHash } from '../auth/user-hash.js';
import { applyIdentity, createAnonymousVisitor } from './identity.js';
import { testBroker } from './test-broker.js';

describe('visitorIdentify', () => {
  it('identifies a tab that another tab\'s sign-in moved while its own frame waited', async () => {
    const { storage, broker, site, connect } = await testBroker();
    const userHash = computeUserHash('u1', site.secret);
    const owner = await createAnonymousVisitor(storage, site.id, 1);
    await applyIdentity(storage, site, owner.id, { userId: 'u1', userHash }, 1);
    const anonymous = await createAnonymousVisitor(storage, site.id, 1);
    const identity = { role: 'visitor', visitorId: anonymous.id, siteId: site.id } as const;
    const tabA = await connect(identity);
    const tabB = await connect(identity);

    // Both frames are in flight at once: B's waits behind A's, which folds the visitor into u1's.
    await Promise.all([tabA, tabB].map((tab) => broker.handle(tab.session, { type: 'visitor.identify', userId: 'u1', userHash })));
    for (const tab of [tabA, tabB]) {
      expect(tab.session.subjectId).toBe(owner.id);
      const identified = tab.frames.flatMap((f) => (f.type === 'visitor.identified' ? [f.visitor.id] : []));
      expect(identified).toContain(owner.id);
    }
    expect(await storage.getVisitor(anonymous.id)).toBeNull();
  });
});

describe('a tab of a visitor that is gone', () => {
  /** Two tabs of a labelled visitor; the first proves a user's identity, which deletes the label. */
  async function orphanedTab() {
    const { storage, broker, site, connect } = await testBroker();
    const labelled = await createAnonymousVisitor(storage, site.id, 1);
    await applyIdentity(storage, site, labelled.id, { userId: 'u1', name: 'Mina' }, 1);
    const identity = { role: 'visitor', visitorId: labelled.id, siteId: site.id } as const;
    const signingIn = await connect(identity);
    const other = await connect(identity);
    await broker.handle(signingIn.session, { type: 'visitor.identify', userId: 'u1', userHash: computeUserHash('u1', site.secret) });
    expect(await storage.getVisitor(labelled.id)).toBeNull();
    expect(other.session.subjectId).toBe(labelled.id);
    return { broker, tab: other };
  }

  it('is answered unauthorized, not internal, for a page view', async () => {
    const { broker, tab } = await orphanedTab();
    const page = broker.handle(tab.session, { type: 'visitor.page', url: 'http://localhost/pricing', title: 'Pricing' });
    await expect(page).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('is answered unauthorized, not internal, for a tracked event', async () => {
    const { broker, tab } = await orphanedTab();
    await expect(broker.handle(tab.session, { type: 'visitor.track', event: 'signup' })).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

describe('visitorPage over the budget', () => {
  it('makes a page refused in the same millisecond as the page before it the current page', async () => {
    // A stopped clock: the hello's page and the refused one carry the same time.
    const { storage, broker, site, connect } = await testBroker({
      now: () => 5,
      settings: { visitorActivityPerMinute: 1, visitorUpdateWindowMs: 60_000 },
    });
    const visitor = await createAnonymousVisitor(storage, site.id, 1);
    const tab = await connect({ role: 'visitor', visitorId: visitor.id, siteId: site.id }, { page: { url: 'https://shop.example/first', title: 'First' } });
    const refused = broker.handle(tab.session, { type: 'visitor.page', url: 'https://shop.example/last', title: 'Last' });
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited' });
    await broker.flushVisitorUpdates();
    expect((await storage.getVisitor(visitor.id))?.currentPage).toEqual({ url: 'https://shop.example/last', title: 'Last', at: 5 });
  });
});
