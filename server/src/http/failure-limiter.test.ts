import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter.js';

describe('FailureLimiter', () => {
  it('blocks a key after max failures within the window and frees it afterwards', () => {
    const limiter = new FailureLimiter(3, 1000);
    for (let i = 0; i < 3; i++) limiter.fail('ip', 100 * i);
    expect(limiter.blocked('ip', 300)).toBe(true);
    expect(limiter.blocked('other', 300)).toBe(false);
    expect(limiter.blocked('ip', 1001)).toBe(false);
  });

  it('takes back a forgiven failure', () => {
    const limiter = new FailureLimiter(2, 1000);
    limiter.fail('ip', 0);
    limiter.fail('ip', 1);
    limiter.forgive('ip', 2);
    expect(limiter.blocked('ip', 3)).toBe(false);
  });
});
