import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter } from './rate-limiter.js';

describe('KeyedRateLimiter', () => {
  it('allows a burst of perMinute, then says how long to wait', () => {
    const limiter = new KeyedRateLimiter(3);
    expect([0, 1, 2].map(() => limiter.take('a', 0))).toEqual([0, 0, 0]);
    expect(limiter.take('a', 0)).toBe(20_000);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 20_000)).toBe(0);
  });

  it('refuses everything at a zero rate', () => {
    expect(new KeyedRateLimiter(0).take('a', 0)).toBeGreaterThan(0);
  });

  it('holds at most maxKeys buckets however many keys it sees', () => {
    const limiter = new KeyedRateLimiter(1, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`, 0);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});
