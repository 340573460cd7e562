import { describe, expect, it } from 'vitest';
import { LiveClock, STAMP_STEP_MS } from './live-clock.js';

const at = (...timestamps: number[]) => timestamps.map((timestamp) => ({ type: 3, timestamp }));

describe('LiveClock', () => {
  it('puts the newest event of a batch on its arrival time and keeps the spacing before it', () => {
    const clock = new LiveClock(1_000);
    // The visitor's clock is an hour ahead: it does not matter.
    const events = clock.restamp(at(3_600_000 + 500, 3_600_000 + 540, 3_600_000 + 600), 2_000);
    expect(events.map((e) => e.timestamp)).toEqual([1_900, 1_940, 2_000]);
  });

  it('never stamps an event before the baseline', () => {
    const clock = new LiveClock(1_000);
    // A checkpoint spanning minutes arrives just after the start: all of it is due at once.
    const stamps = clock.restamp(at(0, 60_000, 120_000), 1_010).map((e) => e.timestamp);
    expect(stamps[0]).toBe(1_000);
    expect(stamps[1]).toBeCloseTo(1_000 + STAMP_STEP_MS, 9);
    expect(stamps[2]).toBe(1_010);
  });

  it('keeps every event after the one before, across batches and out-of-order input', () => {
    const clock = new LiveClock(0);
    const first = clock.restamp(at(100, 200), 500).map((e) => e.timestamp);
    // The next batch overlaps the last one in the visitor's time and arrives a moment later.
    const second = clock.restamp(at(150, 90, 210), 505).map((e) => e.timestamp);
    const all = [...first, ...second];
    for (let i = 1; i < all.length; i++) expect(all[i]!).toBeGreaterThan(all[i - 1]!);
    expect(second[2]).toBe(505);
  });

  it('leaves an empty batch alone', () => {
    expect(new LiveClock(0).restamp([], 10)).toEqual([]);
  });
});
