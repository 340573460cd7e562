import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from './throttle.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Throttle', () => {
  it('sends the first value at once and the latest of an interval when it ends', () => {
    const sent: number[] = [];
    const t = new Throttle<number>(100, (v) => sent.push(v));
    t.push(1);
    t.push(2);
    t.push(3);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(500);
    t.push(4);
    expect(sent).toEqual([1, 3, 4]);
  });

  it('never sends more than one value per interval', () => {
    const times: number[] = [];
    const t = new Throttle<number>(100, () => times.push(Date.now()));
    for (let i = 0; i < 50; i++) {
      t.push(i);
      vi.advanceTimersByTime(17);
    }
    vi.advanceTimersByTime(100);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(times.length).toBeGreaterThanOrEqual(8);
  });

  it('flushes the held value on demand and drops it on cancel', () => {
    const sent: string[] = [];
    const t = new Throttle<string>(100, (v) => sent.push(v));
    t.push('a');
    t.push('b');
    t.flush();
    t.push('c');
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['a', 'b']);
  });
});
