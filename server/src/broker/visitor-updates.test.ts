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
  /** The names the published visitors had. */
  let names: (string | null)[];
  let updates: VisitorUpdates;
  const sink: VisitorUpdateSink = {
    latest: async (id, held) => {
      const current = stored.get(id) ?? null;
      // As the broker does: a page written after the held one was refused wins.
      if (!held || !current || (current.currentPage?.at ?? -1) >= held.at) return current;
      settled.push(`${id}:${held.title}`);
      const next = { ...current, currentPage: held };
      stored.set(id, next);
      return next;
    },
    publish: (v, pages, events) => {
      names.push(v.name);
      sent.push({ id: v.id, current: v.currentPage?.title, pages: pages.map((p) => p.at), events: events.map((e) => e.at) });
    },
    failed: () => undefined,
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    sent = [];
    settled = [];
    names = [];
    stored = new Map([['a', visitor('a')], ['b', visitor('b')]]);
    updates = new VisitorUpdates(500, 3, sink);
  });

  /** A page view as the broker makes it: written to the store, then offered. */
  function viewed(id: string, n: number, extra: { event?: TrackedEvent } = {}): void {
    stored.set(id, visitor(id, page(n)));
    updates.offer(stored.get(id)!, { page: page(n), ...extra });
  }

  /** An event as the broker makes it. */
  function tracked(id: string, n: number): void {
    updates.offer(stored.get(id)!, { event: event(n) });
  }

  afterEach(() => {
    updates.close();
    vi.useRealTimers();
  });

  it('sends one frame per visitor per window, with the latest state and everything of the window', async () => {
    viewed('a', 1);
    tracked('a', 2);
    viewed('a', 3);
    tracked('b', 4);
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
    for (let n = 1; n <= 5; n++) viewed('a', n, { event: event(n) });
    await updates.flush();
    expect(sent).toEqual([{ id: 'a', current: 'P5', pages: [3, 4, 5], events: [3, 4, 5] }]);
  });

  it('writes a held page as the current page at the end of the window', async () => {
    viewed('a', 1);
    updates.hold('a', page(2));
    await vi.advanceTimersByTimeAsync(500);
    expect(settled).toEqual(['a:P2']);
    expect(sent).toEqual([{ id: 'a', current: 'P2', pages: [1], events: [] }]);
  });

  it('drops a held page that a later page view superseded', async () => {
    updates.hold('a', page(1));
    viewed('a', 2);
    await updates.flush();
    expect(settled).toEqual([]);
    expect(sent).toEqual([{ id: 'a', current: 'P2', pages: [2], events: [] }]);
  });

  it('sends the visitor as stored at the end of the window, not as first offered', async () => {
    viewed('a', 1);
    // An identify names the visitor meanwhile (it announces itself; this frame must not undo it).
    stored.set('a', { ...stored.get('a')!, name: 'Dana' });
    await updates.flush();
    expect(sent).toEqual([{ id: 'a', current: 'P1', pages: [1], events: [] }]);
    expect(names).toEqual(['Dana']);
  });

  it('sends nothing about a visitor that is gone by the end of the window', async () => {
    viewed('a', 1);
    stored.delete('a');
    await updates.flush();
    expect(sent).toEqual([]);
  });

  it('announces at once with a zero window, but still writes held pages after the turn', async () => {
    updates = new VisitorUpdates(0, 3, sink);
    tracked('a', 1);
    expect(sent).toEqual([{ id: 'a', current: undefined, pages: [], events: [1] }]);
    updates.hold('a', page(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toEqual(['a:P2']);
  });

  it('keeps windows in order when a held page is slow to write', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const original = sink.latest;
    updates = new VisitorUpdates(500, 3, {
      ...sink,
      latest: async (id, held) => {
        await slow;
        return original(id, held);
      },
    });
    updates.hold('a', page(1));
    const first = updates.flush();
    viewed('a', 2);
    const second = updates.flush();
    release();
    await Promise.all([first, second]);
    expect(sent.map((s) => s.pages)).toEqual([[], [2]]);
    // The held page lost to the later one, which is where the visitor is.
    expect(sent.map((s) => s.current)).toEqual(['P2', 'P2']);
  });

  it('reads the visitors of a window from the store in parallel, not one after the other', async () => {
    const waiting: (() => void)[] = [];
    const original = sink.latest;
    updates = new VisitorUpdates(500, 3, {
      ...sink,
      latest: (id, held) => new Promise((resolve) => waiting.push(() => resolve(original(id, held)))),
    });
    viewed('a', 1);
    viewed('b', 2);
    const done = updates.flush();
    // Both reads are under way before either answered.
    await vi.waitFor(() => expect(waiting).toHaveLength(2));
    for (const answer of waiting) answer();
    await done;
    expect(sent.map((s) => s.id)).toEqual(['a', 'b']);
  });
});
