import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt and draws between half of it and all of it', () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(0, () => 0.999999)).toBe(1000);
    expect(backoffDelay(3, () => 0)).toBe(4000);
  });

  it('never exceeds the maximum', () => {
    expect(backoffDelay(50, () => 0.999999)).toBe(30_000);
    expect(backoffDelay(50, () => 0)).toBe(15_000);
  });

  it('spreads clients apart', () => {
    const delays = new Set([0.1, 0.5, 0.9].map((r) => backoffDelay(4, () => r)));
    expect(delays.size).toBe(3);
  });
});
