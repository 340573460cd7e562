// Prints the co-browse part's figures as a table, in the same layout as the other parts.

const fmt = (v, digits = 2) =>
  v === null || v === undefined ? '-' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : String(v);
const kb = (bytes) => (bytes === null || bytes === undefined ? '-' : `${fmt(bytes / 1024)} KB`);

/** The co-browse table: latency to the console's mirror, bytes on the wire, chunk size. */
export function cobrowseTable(r) {
  const rows = [
    ['DOM change -> console mirror, p50 ms', fmt(r.latency.p50)],
    ['DOM change -> console mirror, p95 ms', fmt(r.latency.p95)],
    ['DOM change -> console mirror, max ms', fmt(r.latency.max)],
    ['changes measured / never seen in the mirror', `${fmt(r.latency.count)} / ${fmt(r.latency.missing)}`],
    [`cobrowse.events bytes/s (${fmt(r.traffic.seconds)} s interactive script)`, fmt(r.traffic.bytesPerSecond, 0)],
    ['cobrowse.events frames/s in that script', fmt(r.traffic.framesPerSecond)],
    [`first full snapshot (${r.fullSnapshotFrames} frame(s))`, kb(r.fullSnapshotBytes)],
    [`co-browse chunk gzip -9 (${r.chunk.files.map((f) => f.name).join(' + ') || 'none fetched'})`, kb(r.chunk.gzip)],
  ];
  const w0 = Math.max(...rows.map((row) => row[0].length));
  const w1 = Math.max('Parley'.length, ...rows.map((row) => row[1].length));
  return [
    `Co-browse: a shop page of ${r.elements} elements shared from Chromium to the console viewer; ` +
      `${r.changes} DOM changes, one every ${r.intervalMs} ms, timed until they are in the mirror document`,
    `${''.padEnd(w0)}  ${'Parley'.padStart(w1)}`,
    `${'-'.repeat(w0)}  ${'-'.repeat(w1)}`,
    ...rows.map(([label, value]) => `${label.padEnd(w0)}  ${value.padStart(w1)}`),
  ].join('\n');
}

/** The co-browse budget of ARCHITECTURE.md. */
export const COBROWSE_BUDGET_LINE = '  co-browse chunk (loaded only after consent) <= 30 KB gzip.';
