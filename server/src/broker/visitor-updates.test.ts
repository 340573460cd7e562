import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PageView, TrackedEvent } from '@parley/protocol';
import { newVisitor } from '../storage/records.js';
import type { Visitor } from '../storage/storage.js';
import { VisitorUpdates, type VisitorUpdateSink } from './visitor-updates.js';

function visitor(id: string, currentPage: PageView | null = null): Visitor {
  return { ...newVisitor(id, 's', 1), currentPage };
}

const page = (n: number): PageView => ({ url: `https://shop.example/${n}`, title: `P${n}`, at: n });
const event = (n: number): TrackedEvent => ({ name: `e${n}`, props: {}, at: n });

describe('VisitorUpdates', () => {
  /** What reached the agents: one entry per frame. */
  let sent: { id: string; current: string | undefined; pages: number[]; events: number[] }[];
  /** Pages written by `settlePage`. */
  let settled: string[];
  let stored: Map<string, Visitor>;
  let updates: VisitorUpdates;
  const sink: VisitorUpdateSink = {
    settlePage: async (id, p) => {
      settled.push(`${id}:${p.title}`);
      const next = { ...stored.get(id)!, currentPage: p };
      stored.set(id, next);
      return next;
    },
    publish: (v, pages, events) =>
      sent.push({ id: v.id, current: v.currentPage?.title, pages: pages.map((p) => p.at), events: events.map((e) => e.at) }),
    failed: () => undefined,
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    sent = [];
    settled = [];
    stored = new Map([['a', visitor('a')], ['b', visitor('b')]]);
    updates = new VisitorUpdates(500, 3, sink);
  });

  afterEach(() => {
    updates.close();
    vi.useRealTimers();
  });

  it('sends one frame per visitor per window, with the latest state and everything of the window', async () => {
    updates.offer(visitor('a', page(1)), { page: page(1) });
    updates.offer(visitor('a', page(1)), { event: event(2) });
    updates.offer(visitor('a', page(3)), { page: page(3) });
    updates.offer(visitor('b'), { event: event(4) });
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([
      { id: 'a', current: 'P3', pages: [1, 3], events: [2] },
      { id: 'b', current: undefined, pages: [], events: [4] },
    ]);
    // Nothing new: nothing more is sent.
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(2);
  });

  it('carries only the newest page views and events of a window beyond its cap', async () => {
    for (let n = 1; n <= 5; n++) updates.offer(visitor('a', page(n)), { page: page(n), event: event(n) });
    await updates.flush();
    expect(sent).toEqual([{ id: 'a', current: 'P5', pages: [3, 4, 5], events: [3, 4, 5] }]);
  });

  it('writes a held page as the current page at the end of the window', async () => {
    updates.offer(visitor('a', page(1)), { page: page(1) });
    updates.hold('a', page(2));
    await vi.advanceTimersByTimeAsync(500);
    expect(settled).toEqual(['a:P2']);
    expect(sent).toEqual([{ id: 'a', current: 'P2', pages: [1], events: [] }]);
  });

  it('drops a held page that a later page view superseded', async () => {
    updates.hold('a', page(1));
    updates.offer(visitor('a', page(2)), { page: page(2) });
    await updates.flush();
    expect(settled).toEqual([]);
    expect(sent).toEqual([{ id: 'a', current: 'P2', pages: [2], events: [] }]);
  });

  it('announces at once with a zero window, but still writes held pages after the turn', async () => {
    updates = new VisitorUpdates(0, 3, sink);
    updates.offer(visitor('a'), { event: event(1) });
    expect(sent).toEqual([{ id: 'a', current: undefined, pages: [], events: [1] }]);
    updates.hold('a', page(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toEqual(['a:P2']);
  });

  it('keeps windows in order when a held page is slow to write', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const original = sink.settlePage;
    updates = new VisitorUpdates(500, 3, {
      ...sink,
      settlePage: async (id, p) => {
        await slow;
        return original(id, p);
      },
    });
    updates.hold('a', page(1));
    const first = updates.flush();
    updates.offer(visitor('a', page(2)), { page: page(2) });
    const second = updates.flush();
    release();
    await Promise.all([first, second]);
    expect(sent.map((s) => s.current)).toEqual(['P1', 'P2']);
  });
});
