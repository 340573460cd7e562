import { describe, expect, it } from 'vitest';
import { gradeCallQuality } from './call.js';

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
