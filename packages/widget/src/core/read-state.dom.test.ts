import { beforeEach, describe, expect, it } from 'vitest';
import { GatedStorage } from './gated-storage.js';
import { ReadState } from './read-state.js';

const KEY = 'parley:site1:state';

describe('ReadState', () => {
  beforeEach(() => localStorage.clear());

  it('moves forward only, and stores each move', () => {
    const read = new ReadState(new GatedStorage('site1', true));
    expect(read.advance('c1', 3)).toBe(true);
    expect(read.advance('c1', 2)).toBe(false);
    expect(read.get('c1')).toBe(3);
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual({ v: 1, read: { c1: 3 } });
  });

  it('keeps the furthest of its own and another tab’s positions', () => {
    const read = new ReadState(new GatedStorage('site1', true));
    read.advance('c1', 5);
    expect(read.merge(JSON.stringify({ v: 1, read: { c1: 4, c2: 2 } }))).toBe(true);
    expect([read.get('c1'), read.get('c2')]).toEqual([5, 2]);
    expect(read.merge(JSON.stringify({ v: 1, read: { c1: 5 } }))).toBe(false);
    expect(read.merge('{corrupt')).toBe(false);
  });

  it('raises a position learnt from the relay without writing it', () => {
    const read = new ReadState(new GatedStorage('site1', true));
    expect(read.raise('c1', 4)).toBe(true);
    expect(read.raise('c1', 4)).toBe(false);
    expect(read.get('c1')).toBe(4);
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it('does not lose another tab’s positions when it advances', () => {
    const tabA = new ReadState(new GatedStorage('site1', true));
    const tabB = new ReadState(new GatedStorage('site1', true));
    tabA.advance('c1', 2);
    tabB.advance('c2', 7);
    expect(JSON.parse(localStorage.getItem(KEY)!).read).toEqual({ c1: 2, c2: 7 });
  });
});
