import { describe, expect, it } from 'vitest';
import { relativeTime, visitorDisplayName } from './format.js';

describe('visitorDisplayName', () => {
  it('uses the name the visitor gave', () => {
    expect(visitorDisplayName('Dana Lee', 'abcdef')).toBe('Dana Lee');
  });

  it('names an anonymous visitor by the first four characters of the id', () => {
    expect(visitorDisplayName(null, 'x7Yq92kd')).toBe('Visitor x7Yq');
    expect(visitorDisplayName('   ', 'x7Yq92kd')).toBe('Visitor x7Yq');
  });
});

describe('relativeTime', () => {
  const now = Date.UTC(2026, 0, 20, 12);
  it('gives short ages', () => {
    expect(relativeTime(now - 10_000, now)).toBe('now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5m');
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe('3h');
    expect(relativeTime(now - 2 * 86_400_000, now)).toBe('2d');
  });

  it('treats times from a fast clock as now', () => {
    expect(relativeTime(now + 5_000, now)).toBe('now');
  });
});
