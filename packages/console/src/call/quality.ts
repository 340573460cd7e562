/**
 * The connection-quality hint of a call: from `getStats()`, the share of audio packets lost
 * since the last sample and the round-trip time, each held to thresholds where people start to
 * notice (a few percent lost, a third of a second of delay) and where talking gets hard.
 */
import { gradeCallQuality } from '@parley/protocol';
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

/** The quality of the line between two samples (the thresholds both sides share). */
export function judgeQuality(previous: StatsSample | null, current: StatsSample): CallQuality {
  return gradeCallQuality(Math.max(lossBetween(previous, current), current.remoteLoss ?? 0), current.roundTripTime ?? 0);
}
