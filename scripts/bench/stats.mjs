// Small statistics over latency samples (milliseconds).

/** Sorts samples in place, ascending, and returns them. */
export function sorted(samples) {
  return samples.sort((a, b) => a - b);
}

/** Nearest-rank percentile of sorted samples; null when there are none. */
export function percentile(sortedSamples, p) {
  if (sortedSamples.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedSamples.length);
  return sortedSamples[Math.min(sortedSamples.length, Math.max(1, rank)) - 1];
}

/** p50/p95/p99/max of samples, rounded to 0.01 ms. */
export function summarize(samples) {
  const s = sorted(samples);
  const at = (p) => {
    const v = percentile(s, p);
    return v === null ? null : Math.round(v * 100) / 100;
  };
  return { count: s.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}
