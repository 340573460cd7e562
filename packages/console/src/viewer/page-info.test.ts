import { describe, expect, it } from 'vitest';
import { nextPageInfo } from './page-info.js';
import { EVENT_TYPE, INCREMENTAL_SOURCE } from './replay-events.js';

const meta = (href: string, width: number, height: number) => ({ type: EVENT_TYPE.Meta, timestamp: 1, data: { href, width, height } });
const resize = (width: number, height: number) => ({
  type: EVENT_TYPE.IncrementalSnapshot,
  timestamp: 2,
  data: { source: INCREMENTAL_SOURCE.ViewportResize, width, height },
});

describe('nextPageInfo', () => {
  it('takes the address and viewport from a meta event', () => {
    expect(nextPageInfo(null, [meta('https://shop.test/cart', 1280, 720)])).toEqual({ url: 'https://shop.test/cart', width: 1280, height: 720 });
  });

  it('follows viewport resizes and the next page’s meta', () => {
    const first = nextPageInfo(null, [meta('https://shop.test/', 1280, 720)]);
    expect(nextPageInfo(first, [resize(800, 600)])).toEqual({ url: 'https://shop.test/', width: 800, height: 600 });
    expect(nextPageInfo(first, [meta('https://shop.test/pay', 1024, 700)])).toEqual({ url: 'https://shop.test/pay', width: 1024, height: 700 });
  });

  it('returns the same object when nothing changed', () => {
    const first = nextPageInfo(null, [meta('https://shop.test/', 1280, 720)]);
    expect(nextPageInfo(first, [resize(1280, 720), { type: EVENT_TYPE.IncrementalSnapshot, timestamp: 3, data: { source: 1 } }])).toBe(first);
  });

  it('ignores resizes before any meta event and sizes that are not positive numbers', () => {
    expect(nextPageInfo(null, [resize(800, 600)])).toBeNull();
    expect(nextPageInfo(null, [{ type: EVENT_TYPE.Meta, timestamp: 1, data: { href: 'x', width: 0, height: '9' } }])).toBeNull();
  });
});
