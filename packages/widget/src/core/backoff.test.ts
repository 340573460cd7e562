import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

describe('backoffDelay', () => {
  it('grows the ceiling exponentially from the base', () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, top)).toBe(DEFAULT_BACKOFF.baseMs - 1);
    expect(backoffDelay(1, top)).toBe(DEFAULT_BACKOFF.baseMs * 2 - 1);
    expect(backoffDelay(3, top)).toBe(DEFAULT_BACKOFF.baseMs * 8 - 1);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    for (const attempt of [10, 50, 1000]) {
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThan(DEFAULT_BACKOFF.capMs);
    }
  });

  it('spreads delays over the whole window (full jitter)', () => {
    expect(backoffDelay(4, () => 0)).toBe(0);
    expect(backoffDelay(4, () => 0.5)).toBe(4000);
  });

  it('takes custom options', () => {
    expect(backoffDelay(2, () => 0.5, { baseMs: 100, capMs: 300 })).toBe(150);
  });
});
