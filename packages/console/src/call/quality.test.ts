import { describe, expect, it } from 'vitest';
import { judgeQuality, lossBetween, type StatsSample } from './quality.js';

const sample = (packetsReceived: number, packetsLost: number, roundTripTime: number | null = 0.05, remoteLoss: number | null = null): StatsSample => ({
  packetsReceived,
  packetsLost,
  roundTripTime,
  remoteLoss,
});

describe('judgeQuality', () => {
  it('is good with little loss and a short round trip', () => {
    expect(judgeQuality(sample(100, 0), sample(200, 1))).toBe('good');
  });

  it('is weak from a few percent lost or a third of a second of delay', () => {
    expect(judgeQuality(sample(100, 0), sample(195, 5))).toBe('weak');
    expect(judgeQuality(null, sample(100, 0, 0.35))).toBe('weak');
  });

  it('is poor from a tenth lost or more than half a second of delay', () => {
    expect(judgeQuality(sample(100, 0), sample(185, 15))).toBe('poor');
    expect(judgeQuality(null, sample(100, 0, 0.7))).toBe('poor');
    expect(judgeQuality(null, sample(100, 0, 0.05, 0.2))).toBe('poor');
  });

  it('judges the loss since the previous sample, not the whole call', () => {
    expect(lossBetween(sample(100, 50), sample(200, 50))).toBe(0);
    expect(lossBetween(null, sample(0, 0))).toBe(0);
  });
});
