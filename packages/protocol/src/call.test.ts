import { describe, expect, it } from 'vitest';
import { formatCallDuration, gradeCallQuality } from './call.js';

describe('gradeCallQuality', () => {
  it('is good under 3 % loss and 300 ms, weak from there, poor from 10 % or 600 ms', () => {
    expect(gradeCallQuality(0, 0.05)).toBe('good');
    expect(gradeCallQuality(0.029, 0.299)).toBe('good');
    expect(gradeCallQuality(0.03, 0.05)).toBe('weak');
    expect(gradeCallQuality(0, 0.3)).toBe('weak');
    expect(gradeCallQuality(0.1, 0.05)).toBe('poor');
    expect(gradeCallQuality(0.01, 0.6)).toBe('poor');
  });
});

describe('formatCallDuration', () => {
  it('writes m:ss, rounding down to the second, with minutes past an hour', () => {
    expect(formatCallDuration(0)).toBe('0:00');
    expect(formatCallDuration(9_999)).toBe('0:09');
    expect(formatCallDuration(61_000)).toBe('1:01');
    expect(formatCallDuration(75 * 60_000 + 3_000)).toBe('75:03');
    expect(formatCallDuration(-5)).toBe('0:00');
  });
});
