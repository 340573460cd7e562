// Prints the bench's figures as readable tables; the caller adds the final JSON line.

const fmt = (v, digits = 2) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : String(v));
const ratio = (a, b) => (a && b ? fmt(a / b, 2) : '-');
/** Messages per second at 100% of one core, from the CPU each message cost. */
const capacity = (r) => (r?.relayCpuUsPerMessage ? Math.round(1e6 / r.relayCpuUsPerMessage) : null);
const pad = (cells, widths) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');

function table(title, headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [title, pad(headers, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths))].join('\n');
}

/**
 * The throughput table: each Parley column (SQLite; PostgreSQL; two nodes on PostgreSQL and
 * Redis, where measured) beside the bare `ws` relay, with each Parley column's ratio to it.
 */
export function throughputTable(opts, parleys, bare) {
  const lat = (r, key, p) => r?.[key]?.[p];
  const lines = [
    ['messages/s persisted+acked', (r) => r?.ackedPerSecond, true],
    ['deliveries/s to agents', (r) => r?.deliveredPerSecond, true],
    ['ack latency p50 ms', (r) => lat(r, 'ack', 'p50'), true],
    ['ack latency p95 ms', (r) => lat(r, 'ack', 'p95'), true],
    ['ack latency p99 ms', (r) => lat(r, 'ack', 'p99'), true],
    ['delivery latency p50 ms', (r) => lat(r, 'delivery', 'p50'), true],
    ['delivery latency p99 ms', (r) => lat(r, 'delivery', 'p99'), true],
    ['relay CPU, % of one core', (r) => r?.relayCpuPct, false],
    ['relay CPU us per message', (r) => r?.relayCpuUsPerMessage, true],
    ['=> msg/s one relay core could do', (r) => capacity(r), true],
    ['load generators CPU, % of one core', (r) => r?.loaderCpuPct, false],
    ['relay event-loop delay p99 ms', (r) => r?.loopDelayP99Ms, false],
    ['relay event-loop delay max ms', (r) => r?.loopDelayMaxMs, false],
    ['relay GC pauses: total ms / max ms', (r) => r && `${fmt(r.gcTotalMs)} / ${fmt(r.gcMaxMs)}`, false],
    ['refused sends (error frames)', (r) => r?.errors, false],
  ];
  const headers = ['', ...parleys.map((p) => p.title), 'bare ws (no persistence)', ...parleys.map((p) => `${p.short}/bare`)];
  return table(
    `Durable chat throughput: ${opts.rooms} rooms x 1 message in flight, ${opts.agents} agent connections, ` +
      `${opts.warmup} s warm-up + ${opts.duration} s measured`,
    headers,
    lines.map(([label, value, ratios]) => [
      label,
      ...parleys.map((p) => fmt(value(p.result))),
      fmt(value(bare)),
      ...parleys.map((p) => (ratios ? ratio(value(p.result), value(bare)) : '')),
    ]),
  );
}

/**
 * One slow consumer's effect on everyone else: the throughput run again with one more agent
 * connection following every room of the first load generator that stops reading.
 */
export function stalledTable(opts, { parley, stalledParley, bare, stalledBare }) {
  const lat = (r, key, p) => r?.[key]?.[p];
  const lines = [
    ['messages/s persisted+acked', (r) => r?.ackedPerSecond],
    ['ack latency p99 ms', (r) => lat(r, 'ack', 'p99')],
    ['delivery latency p99 ms (other agents)', (r) => lat(r, 'delivery', 'p99')],
    ['relay event-loop delay max ms', (r) => r?.loopDelayMaxMs],
  ];
  return table(
    `One stalled consumer: the run above again with one more agent connection that follows every room and stops reading`,
    ['', 'Parley', 'Parley, stalled agent', 'bare ws', 'bare ws, stalled agent'],
    [
      ...lines.map(([label, value]) => [label, fmt(value(parley)), fmt(value(stalledParley)), fmt(value(bare)), fmt(value(stalledBare))]),
      ['stalled connection closed by the relay (code)', '', fmt(stalledParley?.stalledClose ?? 'no'), '', fmt(stalledBare?.stalledClose ?? 'no')],
    ],
  );
}

/** The reconnect storm: every client dropped at once by a relay killed and started again. */
export function stormTable(opts, r) {
  return table(
    `Reconnect storm: ${fmt(r.clients)} visitor connections (${fmt(opts.stormConversations)} with a conversation) dropped at once ` +
      '(relay killed with SIGKILL, started again on the same port and data); each reconnects as the widget does and resumes',
    ['', 'Parley (SQLite)'],
    [
      ['relay listening again after ms', fmt(r.restartedMs)],
      ['clients back (of dropped)', `${fmt(r.back)} / ${fmt(r.dropped)}`],
      ['all back and resumed after ms', fmt(r.allBackMs)],
      ['client back after ms, p50 / p99', `${fmt(r.backMs?.p50)} / ${fmt(r.backMs?.p99)}`],
      ['relay CPU ms, start until all back', fmt(r.relayCpuMs)],
      ['next message took the seq after its last', `${fmt(r.nextSeqRight)} of ${fmt(r.nextSeqRight + r.nextSeqWrong)}`],
    ],
  );
}

/** The memory table: per idle connection, after forced GC. */
export function memoryTable(opts, parley, bare) {
  const row = (label, key) => [label, fmt(parley?.[key]), fmt(bare?.[key]), ratio(parley?.[key], bare?.[key])];
  return table(
    `Memory per idle visitor connection: ${opts.idle} connections, relay GC forced before each reading`,
    ['KiB per connection', 'Parley', 'bare ws', 'Parley/bare'],
    [row('rss delta / N', 'rssKiB'), row('heapUsed delta / N', 'heapKiB'), row('external+arrayBuffers delta / N', 'externalKiB')],
  );
}

/** The delivery-latency table: open-loop sends with many connected, Parley beside bare `ws`. */
export function deliveryTable(opts, parley, bare) {
  const lat = (r, key, p) => fmt(r?.[key]?.[p]);
  const row = (label, p, b, r = ratio(p, b)) => [label, fmt(p), fmt(b), r];
  const latRow = (label, key, p) => [label, lat(parley, key, p), lat(bare, key, p), ratio(parley?.[key]?.[p], bare?.[key]?.[p])];
  const perAgent = Math.round(opts.deliveryRooms / opts.deliveryAgents);
  return table(
    `Delivery latency: ${fmt(opts.deliveryConnected)} connected = ${fmt(opts.deliveryRooms)} chatting visitors + ` +
      `${opts.deliveryAgents} agents (each following ~${perAgent} conversations) + ` +
      `${fmt(opts.deliveryConnected - opts.deliveryRooms - opts.deliveryAgents)} idle visitors; ` +
      `${fmt(opts.deliveryRate)} chat.send/s open loop, ` +
      `${opts.deliveryWarmup} s warm-up + ${opts.deliveryDuration} s measured`,
    ['', 'Parley (SQLite, sync=normal)', 'bare ws (no persistence)', 'Parley/bare'],
    [
      row('connections held', parley?.connections, bare?.connections, ''),
      row(`sends/s achieved (target ${fmt(opts.deliveryRate)})`, parley?.sentPerSecond, bare?.sentPerSecond),
      row('deliveries/s to the following agent', parley?.deliveredPerSecond, bare?.deliveredPerSecond),
      latRow('delivery latency p50 ms', 'delivery', 'p50'),
      latRow('delivery latency p95 ms', 'delivery', 'p95'),
      latRow('delivery latency p99 ms', 'delivery', 'p99'),
      latRow('delivery latency max ms', 'delivery', 'max'),
      latRow('ack latency p50 ms', 'ack', 'p50'),
      latRow('ack latency p99 ms', 'ack', 'p99'),
      row('dropped: measured sends never delivered', parley?.undelivered, bare?.undelivered, ''),
      row('dropped: measured sends never acked', parley?.unacked, bare?.unacked, ''),
      row('errored (error frames)', parley?.errors, bare?.errors, ''),
      row('sockets closed by the relay during the run', parley?.socketsClosed, bare?.socketsClosed, ''),
      row('frames/s to agent connections (all types)', parley?.agentFramesPerSecond, bare?.agentFramesPerSecond, ''),
      latRow('sender lag p99 ms (late vs schedule)', 'senderLag', 'p99'),
      row('relay CPU, % of one core', parley?.relayCpuPct, bare?.relayCpuPct, ''),
      row('load generators CPU, % of one core', parley?.loaderCpuPct, bare?.loaderCpuPct, ''),
      row('relay event-loop delay p99 ms', parley?.loopDelayP99Ms, bare?.loopDelayP99Ms, ''),
      row('relay event-loop delay max ms', parley?.loopDelayMaxMs, bare?.loopDelayMaxMs, ''),
      row('relay GC pauses total ms', parley?.gcTotalMs, bare?.gcTotalMs, ''),
      row('relay GC pause max ms', parley?.gcMaxMs, bare?.gcMaxMs, ''),
      row('connection setup s', parley?.setupSeconds, bare?.setupSeconds, ''),
    ],
  );
}

/** The budgets of ARCHITECTURE.md the figures are read against. */
export const BUDGET_LINES = [
  'Budgets (ARCHITECTURE.md): >= 15,000 msg/s persisted+acked (stretch 0.8x bare ws), ack p99 <= 30 ms,',
  '  <= 10 KiB per idle connection, delivery latency p50 <= 1 ms and p99 <= 10 ms with 10k connected',
  '  at 2k msg/s (quoted: bare ws 0.2 / 2.9 ms, Socket.IO 0.34 / 11.8 ms). Figures only; nothing here passes or fails.',
];
