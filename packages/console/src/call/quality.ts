/**
 * The connection-quality hint of a call: from `getStats()`, the share of audio packets lost
 * since the last sample and the round-trip time, each held to thresholds where people start to
 * notice (a few percent lost, a third of a second of delay) and where talking gets hard.
 */
import type { CallQuality } from '../store/state.js';

/** Cumulative receive statistics of a call's audio at one moment. */
export interface StatsSample {
  packetsReceived: number;
  packetsLost: number;
  /** Seconds, or null when not measured yet. */
  roundTripTime: number | null;
  /** The loss the other side reports about our audio (0..1), or null. */
  remoteLoss: number | null;
}

/** Loss (0..1) and round-trip time (s) from which the line is weak, then poor. */
export const QUALITY_THRESHOLDS = { weakLoss: 0.03, poorLoss: 0.1, weakRtt: 0.3, poorRtt: 0.6 } as const;

/** The words the call bar shows for each quality. */
export const QUALITY_TEXT: Readonly<Record<CallQuality, string>> = {
  good: 'Good connection',
  weak: 'Weak connection',
  poor: 'Poor connection',
};

/** Share of packets lost between two samples (the whole call when there is no previous one). */
export function lossBetween(previous: StatsSample | null, current: StatsSample): number {
  const received = current.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = current.packetsLost - (previous?.packetsLost ?? 0);
  const total = Math.max(0, received) + Math.max(0, lost);
  return total > 0 ? Math.max(0, lost) / total : 0;
}

/** The quality of the line between two samples. */
export function judgeQuality(previous: StatsSample | null, current: StatsSample): CallQuality {
  const loss = Math.max(lossBetween(previous, current), current.remoteLoss ?? 0);
  const rtt = current.roundTripTime ?? 0;
  const t = QUALITY_THRESHOLDS;
  if (loss >= t.poorLoss || rtt >= t.poorRtt) return 'poor';
  if (loss >= t.weakLoss || rtt >= t.weakRtt) return 'weak';
  return 'good';
}
