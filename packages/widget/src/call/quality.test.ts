import { describe, expect, it } from 'vitest';
import { clock, grade, sample } from './quality.js';

/** A stats report as `getStats()` gives it: a map of stats by id. */
function report(...stats: Record<string, unknown>[]): RTCStatsReport {
  return new Map(stats.map((s, i) => [`s${i}`, s])) as unknown as RTCStatsReport;
}

describe('clock', () => {
  it('shows minutes and two-digit seconds', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(7_900)).toBe('0:07');
    expect(clock(65_000)).toBe('1:05');
    expect(clock(3_725_000)).toBe('62:05');
  });

  it('never shows a negative time (clocks that disagree)', () => {
    expect(clock(-4_000)).toBe('0:00');
  });
});

describe('sample', () => {
  it('reads incoming audio packets and the round trip of the pair in use', () => {
    const s = sample(
      report(
        { type: 'inbound-rtp', kind: 'audio', packetsLost: 3, packetsReceived: 97 },
        { type: 'inbound-rtp', kind: 'video', packetsLost: 50, packetsReceived: 50 },
        { type: 'candidate-pair', nominated: false, state: 'succeeded', currentRoundTripTime: 2 },
        { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.05 },
        { type: 'remote-inbound-rtp', roundTripTime: 0.9 },
      ),
    );
    expect(s).toEqual({ lost: 3, got: 97, rtt: 0.05 });
  });

  it('falls back to the remote report round trip, and to zeros', () => {
    expect(sample(report({ type: 'remote-inbound-rtp', roundTripTime: 0.2 }))).toEqual({ lost: 0, got: 0, rtt: 0.2 });
    expect(sample(report())).toEqual({ lost: 0, got: 0, rtt: 0 });
  });
});

describe('grade', () => {
  const start = { lost: 10, got: 1000, rtt: 0 };

  it('grades loss between two samples and the current round trip', () => {
    expect(grade(start, { lost: 10, got: 1100, rtt: 0.08 })).toBe('good');
    expect(grade(start, { lost: 15, got: 1095, rtt: 0.08 })).toBe('weak');
    expect(grade(start, { lost: 10, got: 1100, rtt: 0.4 })).toBe('weak');
    expect(grade(start, { lost: 25, got: 1085, rtt: 0.08 })).toBe('poor');
    expect(grade(start, { lost: 10, got: 1100, rtt: 0.9 })).toBe('poor');
  });

  it('counts no packets at all (the other side muted) as no loss', () => {
    expect(grade(start, { lost: 10, got: 1000, rtt: 0.05 })).toBe('good');
  });
});
