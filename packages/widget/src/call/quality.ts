/**
 * Pure helpers of the connected call: the running duration as `m:ss`, and a connection quality
 * hint from two `getStats()` samples (packet loss between them, and the round-trip time).
 */

import { formatCallDuration, gradeCallQuality, type CallQuality } from '@parley/protocol';

/** How the connection sounds, from packet loss and round-trip time. */
export type Quality = CallQuality;

/** What one `getStats()` report tells about the audio coming in. */
export interface Sample {
  /** Audio packets lost so far. */
  lost: number;
  /** Audio packets received so far. */
  got: number;
  /** Round-trip time in seconds, when known. */
  rtt: number;
}

/** `ms` as the call's running time, `m:ss` (the same format as the timeline's duration). */
export const clock = formatCallDuration;

/** Reads the incoming audio counters and the current round-trip time of a stats report. */
export function sample(report: RTCStatsReport): Sample {
  const out: Sample = { lost: 0, got: 0, rtt: 0 };
  report.forEach((s: Record<string, number | string | boolean | undefined>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      out.lost += Math.max(0, Number(s.packetsLost) || 0);
      out.got += Number(s.packetsReceived) || 0;
    }
    // The pair in use measures the whole path; the remote report is the fallback.
    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') out.rtt = Number(s.currentRoundTripTime) || out.rtt;
    if (s.type === 'remote-inbound-rtp' && !out.rtt) out.rtt = Number(s.roundTripTime) || 0;
  });
  return out;
}

/**
 * Grades the connection between two samples with the thresholds both sides share. No packets at
 * all (the other side muted) is no loss.
 */
export function grade(before: Sample, now: Sample): Quality {
  const lost = now.lost - before.lost;
  const total = lost + now.got - before.got;
  return gradeCallQuality(total > 0 ? lost / total : 0, now.rtt);
}
