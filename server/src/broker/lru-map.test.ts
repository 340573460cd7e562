import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.has('b')).toBe(false);
    expect([map.get('a'), map.get('c'), map.size]).toEqual([1, 3, 2]);
  });

  it('keeps null values and deletes the entries a test matches', () => {
    const map = new LruMap<string, string | null>(10);
    map.set('anonymous', null);
    map.set('named', 'Kim');
    expect(map.get('anonymous')).toBeNull();
    map.deleteWhere((value) => value === 'Kim');
    expect([map.has('anonymous'), map.has('named')]).toEqual([true, false]);
  });

  it('holds nothing with a capacity of 0', () => {
    const map = new LruMap<string, number>(0);
    map.set('a', 1);
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(0);
  });
});
