import { describe, expect, it } from 'vitest';
import { statsSample } from './webrtc.js';

function report(...stats: Array<Record<string, unknown>>): RTCStatsReport {
  return new Map(stats.map((s, i) => [String(i), s])) as unknown as RTCStatsReport;
}

describe('statsSample', () => {
  it('sums received and lost audio packets and takes the longest round trip', () => {
    const s = statsSample(
      report(
        { type: 'inbound-rtp', kind: 'audio', packetsReceived: 480, packetsLost: 20 },
        { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.12, fractionLost: 0.01 },
        { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.2 },
        { type: 'candidate-pair', nominated: false, state: 'failed', currentRoundTripTime: 3 },
      ),
    );
    expect(s).toEqual({ packetsReceived: 480, packetsLost: 20, roundTripTime: 0.2, remoteLoss: 0.01 });
  });

  it('is null before any audio arrives', () => {
    expect(statsSample(report({ type: 'outbound-rtp', kind: 'audio', packetsSent: 10 }))).toBeNull();
  });
});
