import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory-storage.js';
import { createAnonymousVisitor } from './identity.js';
import { VisitorNameCache } from './visitor-name-cache.js';

async function setup() {
  const storage = new MemoryStorage();
  await storage.createSite({ id: 'site1', key: 'demo', name: 'Demo', secret: 's', allowedOrigins: [], createdAt: 1 });
  return { storage, names: new VisitorNameCache(storage) };
}

describe('VisitorNameCache', () => {
  it('answers null for an anonymous visitor and follows a rename made through the store', async () => {
    const { storage, names } = await setup();
    const visitor = await createAnonymousVisitor(storage, 'site1', 1);
    expect(await names.load(visitor.id)).toBeNull();
    await storage.updateVisitor(visitor.id, { name: 'Kim' });
    expect(await names.load(visitor.id)).toBe('Kim');
  });

  it('forgets a visitor merged away, and answers undefined for one that does not exist', async () => {
    const { storage, names } = await setup();
    const anonymous = await createAnonymousVisitor(storage, 'site1', 1);
    const known = await createAnonymousVisitor(storage, 'site1', 1);
    await names.load(anonymous.id);
    await storage.mergeVisitor(anonymous.id, known.id);
    expect(await names.load(anonymous.id)).toBeUndefined();
  });
});
