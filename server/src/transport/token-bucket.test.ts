import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then refuses until it refills', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(200)).toBe(true);
  });

  it('reports a flood once the debt reaches a whole burst', () => {
    const bucket = new TokenBucket(1, 2, 0);
    for (let i = 0; i < 3; i++) bucket.take(0);
    expect(bucket.flooded).toBe(false);
    bucket.take(0);
    expect(bucket.flooded).toBe(true);
  });
});
