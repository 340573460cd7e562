import { describe, expect, it } from 'vitest';
import { ActivityLimiter } from './activity-limiter.js';

describe('ActivityLimiter', () => {
  it('limits one visitor across its connections to the per-visitor budget', () => {
    const limiter = new ActivityLimiter(6, 600);
    const taken = Array.from({ length: 10 }, () => limiter.take('v1', '10.0.0.1', 0));
    expect(taken.filter(Boolean)).toHaveLength(6);
    // Another visitor behind the same address still has its own budget.
    expect(limiter.take('v2', '10.0.0.1', 0)).toBe(true);
  });

  it('refills the visitor budget over time', () => {
    const limiter = new ActivityLimiter(6, 600);
    for (let i = 0; i < 6; i++) limiter.take('v1', null, 0);
    expect(limiter.take('v1', null, 0)).toBe(false);
    // Six a minute: one every ten seconds.
    expect(limiter.take('v1', null, 10_000)).toBe(true);
    expect(limiter.take('v1', null, 10_000)).toBe(false);
  });

  it('limits one address across many visitors to the per-address budget', () => {
    const limiter = new ActivityLimiter(6, 20);
    let taken = 0;
    for (let v = 0; v < 10; v++) for (let i = 0; i < 6; i++) if (limiter.take(`v${v}`, '10.0.0.1', 0)) taken++;
    expect(taken).toBe(20);
    // Another address is not affected.
    expect(limiter.take('v99', '10.0.0.2', 0)).toBe(true);
  });

  it('does not spend the address budget on a visitor already over its own', () => {
    const limiter = new ActivityLimiter(2, 5);
    for (let i = 0; i < 50; i++) limiter.take('flooder', '10.0.0.1', 0);
    const others = Array.from({ length: 3 }, (_, i) => limiter.take(`v${i}`, '10.0.0.1', 0));
    expect(others).toEqual([true, true, true]);
  });
});
