import { describe, expect, it } from 'vitest';
import type { PageView } from '@parley/protocol';
import { aVisitor, siteWithVisitor } from '../storage/contract-fixtures.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { VisitorTouch } from '../storage/storage.js';
import { mergeTouches, MOST_TOUCHES_PER_BATCH, VisitorTouches } from './visitor-touches.js';

const page = (at: number): PageView => ({ url: `https://shop.example/${at}`, title: `P${at}`, at });

/** A real in-memory store whose `touchVisitors` calls are recorded (and can be made to fail). */
async function recordingStore(): Promise<{ storage: MemoryStorage; batches: VisitorTouch[][]; failNext: () => void }> {
  const storage = new MemoryStorage();
  const batches: VisitorTouch[][] = [];
  let fail = false;
  const touchVisitors = storage.touchVisitors.bind(storage);
  storage.touchVisitors = async (touches, keep) => {
    batches.push([...touches]);
    if (fail) {
      fail = false;
      throw new Error('store down');
    }
    return touchVisitors(touches, keep);
  };
  return { storage, batches, failNext: () => (fail = true) };
}

describe('VisitorTouches', () => {
  it('writes a storm of touches in bounded batches, every one of them', async () => {
    const { storage, batches } = await recordingStore();
    const { visitor } = await siteWithVisitor(storage);
    const count = MOST_TOUCHES_PER_BATCH * 2 + 10;
    const others = await Promise.all(Array.from({ length: count }, () => storage.createVisitor(aVisitor(visitor.siteId))));
    const touches = new VisitorTouches({ storage, keepPages: 10, failed: () => undefined });
    for (const other of others) touches.touch({ visitorId: other.id, lastSeenAt: 7_000 });
    await touches.flush();

    expect(batches.map((batch) => batch.length)).toEqual([MOST_TOUCHES_PER_BATCH, MOST_TOUCHES_PER_BATCH, 10]);
    for (const other of others) expect((await storage.getVisitor(other.id))?.lastSeenAt).toBe(7_000);
  });

  it('writes the touches of one turn as one batch, one touch per visitor', async () => {
    const { storage, batches } = await recordingStore();
    const { visitor } = await siteWithVisitor(storage);
    const others = await Promise.all(Array.from({ length: 50 }, () => storage.createVisitor(aVisitor(visitor.siteId))));
    const touches = new VisitorTouches({ storage, keepPages: 10, failed: () => undefined });
    for (const other of others) touches.touch({ visitorId: other.id, lastSeenAt: 5_000 });
    touches.touch({ visitorId: visitor.id, lastSeenAt: 5_000, browser: 'Firefox 140', pages: [page(5_000)] });
    touches.touch({ visitorId: visitor.id, lastSeenAt: 6_000, pages: [page(6_000)], currentPage: page(6_000) });
    await touches.flush();

    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(51);
    expect(await storage.getVisitor(visitor.id)).toMatchObject({ lastSeenAt: 6_000, browser: 'Firefox 140', currentPage: page(6_000) });
    expect((await storage.listPageViews(visitor.id, 10)).map((p) => p.at)).toEqual([6_000, 5_000]);
    for (const other of others) expect((await storage.getVisitor(other.id))?.lastSeenAt).toBe(5_000);
  });

  it('gathers the touches made while a batch is written into the next one', async () => {
    const { storage, batches } = await recordingStore();
    const { visitor } = await siteWithVisitor(storage);
    const touches = new VisitorTouches({ storage, keepPages: 10, failed: () => undefined });
    touches.touch({ visitorId: visitor.id, lastSeenAt: 2_000 });
    // Let the first batch start, then queue more across several turns while it is out.
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 5; i++) {
      touches.touch({ visitorId: visitor.id, lastSeenAt: 3_000 + i });
      await Promise.resolve();
    }
    await touches.flush();
    expect(batches.map((b) => b.map((t) => t.lastSeenAt))).toEqual([[2_000], [3_004]]);
  });

  it('reports a failed batch and still writes the touches after it', async () => {
    const { storage, batches, failNext } = await recordingStore();
    const { visitor } = await siteWithVisitor(storage);
    const failed: number[] = [];
    const touches = new VisitorTouches({ storage, keepPages: 10, failed: (_error, visitors) => failed.push(visitors) });
    failNext();
    touches.touch({ visitorId: visitor.id, lastSeenAt: 2_000 });
    await touches.flush();
    touches.touch({ visitorId: visitor.id, lastSeenAt: 3_000 });
    await touches.flush();
    expect(failed).toEqual([1]);
    expect(batches).toHaveLength(2);
    expect((await storage.getVisitor(visitor.id))?.lastSeenAt).toBe(3_000);
  });
});

describe('mergeTouches', () => {
  it('keeps the latest time, the later page and every page view, and the later device fields', () => {
    const merged = mergeTouches(
      { visitorId: 'v', lastSeenAt: 9, browser: 'Chrome 120', language: 'en', currentPage: page(9), pages: [page(9)] },
      { visitorId: 'v', lastSeenAt: 7, browser: 'Chrome 121', currentPage: page(7), pages: [page(7)] },
    );
    expect(merged).toEqual({ visitorId: 'v', lastSeenAt: 9, browser: 'Chrome 121', language: 'en', currentPage: page(9), pages: [page(9), page(7)] });
  });
});
