import { describe, expect, it } from 'vitest';
import { computeUserHash } from '../auth/user-hash.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { applyIdentity, createAnonymousVisitor } from './identity.js';

async function setup() {
  const storage = new MemoryStorage();
  await storage.migrate();
  const site = await storage.createSite({ id: 'site1', key: 'demo', name: 'Demo', secret: 'secret', allowedOrigins: [], createdAt: 1 });
  return { storage, site };
}

describe('applyIdentity', () => {
  it('makes the first verified visitor of a user its canonical one', async () => {
    const { storage, site } = await setup();
    const v = await createAnonymousVisitor(storage, site.id, 1);
    const result = await applyIdentity(storage, site, v.id, { userId: 'u1', userHash: computeUserHash('u1', 'secret'), name: 'Kim' }, 2);
    expect(result).toMatchObject({ switched: false, visitor: { id: v.id, userId: 'u1', verified: true, name: 'Kim' } });
  });

  it('merges a second device into the canonical visitor', async () => {
    const { storage, site } = await setup();
    const hash = computeUserHash('u1', 'secret');
    const first = await createAnonymousVisitor(storage, site.id, 1);
    await applyIdentity(storage, site, first.id, { userId: 'u1', userHash: hash }, 2);
    const second = await createAnonymousVisitor(storage, site.id, 3);
    await storage.createConversation({ id: 'c2', siteId: site.id, visitorId: second.id, createdAt: 3 });
    const result = await applyIdentity(storage, site, second.id, { userId: 'u1', userHash: hash }, 4);
    expect(result).toMatchObject({ switched: true, visitor: { id: first.id } });
    expect((await storage.getConversation('c2'))!.visitorId).toBe(first.id);
    expect(await storage.getVisitor(second.id)).toBeNull();
  });

  it('never merges two verified users: another user signing in switches visitor', async () => {
    const { storage, site } = await setup();
    const v = await createAnonymousVisitor(storage, site.id, 1);
    await applyIdentity(storage, site, v.id, { userId: 'u1', userHash: computeUserHash('u1', 'secret') }, 2);
    const result = await applyIdentity(storage, site, v.id, { userId: 'u2', userHash: computeUserHash('u2', 'secret') }, 3);
    expect(result.switched).toBe(true);
    expect(result.visitor.userId).toBe('u2');
    expect((await storage.getVisitor(v.id))!.userId).toBe('u1');
  });

  it('refuses a wrong hash and lets an unproven claim only label an unverified visitor', async () => {
    const { storage, site } = await setup();
    const v = await createAnonymousVisitor(storage, site.id, 1);
    await expect(applyIdentity(storage, site, v.id, { userId: 'u1', userHash: 'bad' }, 2)).rejects.toMatchObject({ code: 'identity_invalid' });
    const labelled = await applyIdentity(storage, site, v.id, { userId: 'u9', name: 'Lee' }, 3);
    expect(labelled.visitor).toMatchObject({ userId: 'u9', name: 'Lee', verified: false });
    await applyIdentity(storage, site, v.id, { userId: 'u1', userHash: computeUserHash('u1', 'secret') }, 4);
    const ignored = await applyIdentity(storage, site, v.id, { userId: 'u2', name: 'Mallory' }, 5);
    expect(ignored.visitor).toMatchObject({ userId: 'u1', verified: true, name: 'Lee' });
  });
});
