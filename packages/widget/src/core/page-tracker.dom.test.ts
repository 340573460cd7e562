import { afterEach, describe, expect, it } from 'vitest';
import { currentPage, PageTracker } from './page-tracker.js';
import type { PageInfo } from './page-tracker.js';

/** A started tracker and the first page it reports. */
function track(pages: PageInfo[] = []): { tracker: PageTracker; first: Promise<PageInfo> } {
  let tracker!: PageTracker;
  const first = new Promise<PageInfo>((resolve) => {
    tracker = new PageTracker((page) => {
      pages.push(page);
      resolve(page);
    });
  });
  tracker.start();
  return { tracker, first };
}

describe('PageTracker', () => {
  let tracker: PageTracker | undefined;
  afterEach(() => tracker?.stop());

  it('reports pushState route changes with the title set after them', async () => {
    const started = track();
    tracker = started.tracker;
    history.pushState({}, '', '/pricing');
    document.title = 'Pricing';
    const page = await started.first;
    expect(page.url).toMatch(/\/pricing$/);
    expect(page.title).toBe('Pricing');
  });

  it('reports replaceState changes and ignores calls that keep the URL', async () => {
    const pages: PageInfo[] = [];
    const started = track(pages);
    tracker = started.tracker;
    history.replaceState({ same: true }, '');
    history.replaceState({}, '', '/account');
    expect((await started.first).url).toMatch(/\/account$/);
    expect(pages).toHaveLength(1);
  });

  it('restores the History API on stop', () => {
    const original = history.pushState;
    tracker = new PageTracker(() => undefined);
    tracker.start();
    expect(history.pushState).not.toBe(original);
    tracker.stop();
    expect(history.pushState).toBe(original);
  });

  it('describes the current page', () => {
    document.title = 'Home';
    expect(currentPage()).toMatchObject({ url: location.href, title: 'Home' });
  });
});
