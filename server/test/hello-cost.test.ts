/**
 * What a visitor's connection costs the store, counted on a real store: a reconnect storm is
 * ten thousand of these at once, so none of it may be a write transaction of its own, and a
 * visitor without conversations is not asked for callback requests it cannot have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../src/storage/open-storage.js';
import type { Storage } from '../src/storage/storage.js';
import { PAGE_ORIGIN, TestClient, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('a visitor connection and the store', () => {
  let relay: TestRelay;
  let real: Storage;
  /** Calls per store method since the last `reset`. */
  let calls = new Map<string, number>();

  beforeAll(async () => {
    real = await openStorage({ kind: 'memory', dataDir: '', synchronous: 'normal' });
    const counted = new Proxy(real, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Storage;
    relay = await startTestRelay({ storageInstance: counted });
  });
  afterAll(() => relay.stop());

  it('reads the visitor, its site and conversations, and writes its touch in a batch, for a hello', async () => {
    const { token, visitorId } = await visitorToken(relay);
    calls = new Map();
    const visitor = new TestClient(relay, token, PAGE_ORIGIN, {});
    const welcome = await visitor.hello({ page: { url: 'https://shop.example/cart', title: 'Cart' }, language: 'ko-KR' });
    expect(welcome).toMatchObject({ type: 'welcome', conversations: [], callbacks: [] });
    await relay.close();
    // The touch was written (at the latest when the relay stopped), in one batch call.
    expect(await real.getVisitor(visitorId)).toMatchObject({ language: 'ko-KR', currentPage: { url: 'https://shop.example/cart', title: 'Cart' } });
    expect((await real.listPageViews(visitorId, 5)).map((p) => p.url)).toEqual(['https://shop.example/cart']);
    const writes = [...calls.keys()].filter((name) => /^(update|add|create|append|merge)/.test(name));
    expect(writes).toEqual([]);
    // The hello's touch (a relay that stops does not touch its visitors as they go).
    expect(calls.get('touchVisitors')).toBe(1);
    expect(calls.get('listCallbacks') ?? 0).toBe(0);
    expect(calls.get('listConversations')).toBe(1);
  });
});
