import { describe, expect, it } from 'vitest';
import { ChangeFeed } from './change-feed.js';
import type { StorageChange } from './storage.js';

const merged: StorageChange = { kind: 'visitor-merged', fromId: 'v-1', intoId: 'v-2' };

describe('ChangeFeed', () => {
  it('tells every listener, even after one of them throws', () => {
    const feed = new ChangeFeed();
    const heard: StorageChange[] = [];
    feed.watch(() => {
      throw new Error('a listener bug');
    });
    feed.watch((change) => heard.push(change));
    expect(() => feed.emit(merged)).not.toThrow();
    expect(heard).toEqual([merged]);
  });

  it('is active only while someone listens', () => {
    const feed = new ChangeFeed();
    const heard: StorageChange[] = [];
    const stop = feed.watch((change) => heard.push(change));
    expect(feed.active).toBe(true);
    stop();
    feed.emit(merged);
    expect(feed.active).toBe(false);
    expect(heard).toEqual([]);
  });
});
