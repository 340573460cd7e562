import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory-storage.js';
import { ConversationCache } from './conversation-cache.js';
import { createAnonymousVisitor } from './identity.js';

async function setup(capacity?: number) {
  const storage = new MemoryStorage();
  await storage.createSite({ id: 'site1', key: 'demo', name: 'Demo', secret: 's', allowedOrigins: [], createdAt: 1 });
  const cache = new ConversationCache(storage, capacity);
  const conversationOf = async (visitorId?: string) => {
    const id = visitorId ?? (await createAnonymousVisitor(storage, 'site1', 1)).id;
    return storage.createConversation({ id: `c-${Math.random().toString(36).slice(2)}`, siteId: 'site1', visitorId: id, createdAt: 1 });
  };
  return { storage, cache, conversationOf };
}

describe('ConversationCache', () => {
  it('answers from its copy and follows patches and appends made through the store', async () => {
    const { storage, cache, conversationOf } = await setup();
    const conversation = await conversationOf();
    expect(await cache.load(conversation.id)).toEqual(conversation);
    await storage.updateConversation(conversation.id, { status: 'resolved', resolvedAt: 5 }, 5);
    expect(await cache.load(conversation.id)).toMatchObject({ status: 'resolved', resolvedAt: 5 });
    await storage.updateConversation(conversation.id, { status: 'open', resolvedAt: null }, 6);
    await storage.appendMessage({ id: 'm1', conversationId: conversation.id, clientId: 'client-1', author: 'visitor', authorId: conversation.visitorId, text: 'back', at: 7 });
    expect(await cache.load(conversation.id)).toEqual(await storage.getConversation(conversation.id));
  });

  it('hands out frozen copies the store’s callers cannot change', async () => {
    const { storage, cache, conversationOf } = await setup();
    const conversation = await conversationOf();
    const updated = await storage.updateConversation(conversation.id, { assigneeId: 'agent1' }, 2);
    updated.assigneeId = 'someone else';
    const cached = await cache.load(conversation.id);
    expect(cached?.assigneeId).toBe('agent1');
    expect(Object.isFrozen(cached)).toBe(true);
  });

  it('drops the conversations of a visitor merged into another, so they load with their new visitor', async () => {
    const { storage, cache, conversationOf } = await setup();
    const conversation = await conversationOf();
    const known = await createAnonymousVisitor(storage, 'site1', 1);
    await cache.load(conversation.id);
    await storage.mergeVisitor(conversation.visitorId, known.id);
    expect(cache.size).toBe(0);
    expect((await cache.load(conversation.id))?.visitorId).toBe(known.id);
  });

  it('does not keep a read that a merge overtook', async () => {
    const { storage, cache, conversationOf } = await setup();
    const conversation = await conversationOf();
    const known = await createAnonymousVisitor(storage, 'site1', 1);
    const loading = cache.load(conversation.id);
    await storage.mergeVisitor(conversation.visitorId, known.id);
    await loading;
    expect((await cache.load(conversation.id))?.visitorId).toBe(known.id);
  });

  it('keeps at most its capacity, and nothing once closed', async () => {
    const { cache, conversationOf } = await setup(2);
    for (let i = 0; i < 3; i++) await cache.load((await conversationOf()).id);
    expect(cache.size).toBe(2);
    cache.close();
    await conversationOf();
    expect(cache.size).toBe(0);
  });

  it('answers null for a conversation that does not exist', async () => {
    const { cache } = await setup();
    expect(await cache.load('missing')).toBeNull();
    expect(cache.size).toBe(0);
  });
});
