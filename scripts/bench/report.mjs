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
 * @typedef {import('./columns.mjs').Column & { result: any }} Measured a column with its figures
 */

/** Parley ÷ bare ws and Parley ÷ Socket.IO (same node count), and Socket.IO ÷ bare ws. */
const RATIO_PAIRS = [
  ['sqlite', 'bare'],
  ['postgres', 'bare'],
  ['cluster', 'bare'],
  ['socketio', 'bare'],
  ['sqlite', 'socketio'],
  ['postgres', 'socketio'],
  ['cluster', 'socketioCluster'],
];

/** A table of figures: one row per line, one column per measured relay. */
function columnTable(title, measured, lines) {
  return table(
    title,
    ['', ...measured.map((m) => m.title)],
    lines.map(([label, value]) => [label, ...measured.map((m) => fmt(value(m.result)))]),
  );
}

/**
 * The ratios of `lines` between the pairs of RATIO_PAIRS both measured (above 1: the first
 * has more of it: more msg/s, or a longer latency).
 */
function ratioTable(title, measured, lines) {
  const byKey = new Map(measured.map((m) => [m.key, m]));
  const pairs = RATIO_PAIRS.filter(([a, b]) => byKey.has(a) && byKey.has(b)).map(([a, b]) => [byKey.get(a), byKey.get(b)]);
  if (pairs.length === 0) return '';
  return table(
    `${title} (first ÷ second: above 1 is more msg/s, or a longer latency and more CPU)`,
    ['ratio', ...pairs.map(([a, b]) => `${a.short} ÷ ${b.short}`)],
    lines.map(([label, value]) => [label, ...pairs.map(([a, b]) => ratio(value(a.result), value(b.result)))]),
  );
}

const lat = (r, key, p) => r?.[key]?.[p];

/** The throughput table: every measured column, then the ratios. */
export function throughputTable(opts, measured) {
  const lines = [
    ['messages/s acked (Parley: persisted)', (r) => r?.ackedPerSecond],
    ['deliveries/s to agents', (r) => r?.deliveredPerSecond],
    ['ack latency p50 ms', (r) => lat(r, 'ack', 'p50')],
    ['ack latency p95 ms', (r) => lat(r, 'ack', 'p95')],
    ['ack latency p99 ms', (r) => lat(r, 'ack', 'p99')],
    ['delivery latency p50 ms', (r) => lat(r, 'delivery', 'p50')],
    ['delivery latency p99 ms', (r) => lat(r, 'delivery', 'p99')],
    ['relay CPU, % of one core (all nodes)', (r) => r?.relayCpuPct],
    ['relay CPU us per message', (r) => r?.relayCpuUsPerMessage],
    ['=> msg/s one relay core could do', (r) => capacity(r)],
    ['load generators CPU, % of one core', (r) => r?.loaderCpuPct],
    ['relay event-loop delay p99 ms', (r) => r?.loopDelayP99Ms],
    ['relay event-loop delay max ms', (r) => r?.loopDelayMaxMs],
    ['relay GC pauses: total ms / max ms', (r) => r && `${fmt(r.gcTotalMs)} / ${fmt(r.gcMaxMs)}`],
    ['refused sends (error frames)', (r) => r?.errors],
  ];
  return [
    columnTable(
      `Chat throughput: ${opts.rooms} rooms x 1 message in flight, ${opts.agents} agent connections, ` +
        `${opts.warmup} s warm-up + ${opts.duration} s measured. Parley acks once stored; Socket.IO and bare ws ` +
        'ack from memory (nothing stored). Two nodes: visitors on one, agents on the other',
      measured,
      lines,
    ),
    ratioTable('Ratios', measured, [
      lines[0],
      lines[2],
      lines[4],
      lines[6],
      lines[8],
    ]),
  ].join('\n\n');
}

/**
 * One slow consumer's effect on everyone else, per column: the throughput run again with one
 * more agent connection that follows every room of the first load generator and stops reading.
 * @param {Measured[]} normal @param {Measured[]} stalled the same columns, stalled runs
 */
export function stalledTable(opts, normal, stalled) {
  const pair = (a, b) => `${fmt(a)} -> ${fmt(b)}`;
  return table(
    'One stalled consumer: the throughput run again with one more agent connection that follows every room and stops reading ' +
      '(figures of everyone else: without -> with it)',
    ['', 'messages/s acked', 'ack p99 ms', 'delivery p99 ms (other agents)', 'relay event-loop max ms', 'stalled connection closed by the relay'],
    normal.map((m, i) => {
      const r = m.result;
      const s = stalled[i]?.result;
      return [
        m.title,
        pair(r?.ackedPerSecond, s?.ackedPerSecond),
        pair(lat(r, 'ack', 'p99'), lat(s, 'ack', 'p99')),
        pair(lat(r, 'delivery', 'p99'), lat(s, 'delivery', 'p99')),
        pair(r?.loopDelayMaxMs, s?.loopDelayMaxMs),
        fmt(s?.stalledClose ?? 'no'),
      ];
    }),
  );
}

/** The reconnect storm, per column: every client dropped at once by killing the node it is on. */
export function stormTable(opts, measured) {
  const clients = measured[0]?.result.clients ?? opts.stormClients;
  return columnTable(
    `Reconnect storm: ${fmt(clients)} visitor connections (${fmt(opts.stormConversations)} with a conversation) dropped at once ` +
      'by killing their node with SIGKILL. One node: started again on the same port and data. Two nodes: the clients come back ' +
      'to the other node. Each reconnects as the widget does (exponential backoff from 0.5 s, full jitter)',
    measured,
    [
      ['relay listening again after ms', (r) => (r.failover ? 'other node up' : r.restartedMs)],
      ['clients back (of dropped)', (r) => `${fmt(r.back)} / ${fmt(r.dropped)}`],
      ['all back after ms', (r) => r.allBackMs],
      ['client back after ms, p50 / p99', (r) => `${fmt(r.backMs?.p50)} / ${fmt(r.backMs?.p99)}`],
      ['relay CPU ms until all back (the node they came back to)', (r) => r.relayCpuMs],
      ['resumed from the last seq', (r) => (r.resumed ? 'yes' : 'no resume')],
      ['next message took the seq after its last', (r) => (r.resumed ? `${fmt(r.nextSeqRight)} of ${fmt(r.nextSeqRight + r.nextSeqWrong)}` : 'not checked')],
    ],
  );
}

/** The memory table: per idle connection, after forced GC, with the ratios. */
export function memoryTable(opts, measured) {
  const lines = [
    ['rss delta / N', (r) => r?.rssKiB],
    ['heapUsed delta / N', (r) => r?.heapKiB],
    ['external+arrayBuffers delta / N', (r) => r?.externalKiB],
  ];
  return [
    columnTable(`Memory per idle visitor connection, KiB: ${fmt(opts.idle)} connections, relay GC forced before each reading`, measured, lines),
    ratioTable('Ratios', measured, lines.slice(0, 2)),
  ].join('\n\n');
}

/** The delivery-latency table: open-loop sends with many connected, every measured column, then the ratios. */
export function deliveryTable(opts, measured) {
  const perAgent = Math.round(opts.deliveryRooms / opts.deliveryAgents);
  const lines = [
    ['connections held', (r) => r?.connections],
    [`sends/s achieved (target ${fmt(opts.deliveryRate)})`, (r) => r?.sentPerSecond],
    ['deliveries/s to the following agent', (r) => r?.deliveredPerSecond],
    ['delivery latency p50 ms', (r) => lat(r, 'delivery', 'p50')],
    ['delivery latency p95 ms', (r) => lat(r, 'delivery', 'p95')],
    ['delivery latency p99 ms', (r) => lat(r, 'delivery', 'p99')],
    ['delivery latency max ms', (r) => lat(r, 'delivery', 'max')],
    ['ack latency p50 ms', (r) => lat(r, 'ack', 'p50')],
    ['ack latency p99 ms', (r) => lat(r, 'ack', 'p99')],
    ['dropped: measured sends never delivered', (r) => r?.undelivered],
    ['dropped: measured sends never acked', (r) => r?.unacked],
    ['errored (error frames)', (r) => r?.errors],
    ['sockets closed by the relay during the run', (r) => r?.socketsClosed],
    ['frames/s to agent connections (all types)', (r) => r?.agentFramesPerSecond],
    ['KiB/s of frame payload to agent connections', (r) => r?.agentKiBPerSecond],
    ['sender lag p99 ms (late vs schedule)', (r) => lat(r, 'senderLag', 'p99')],
    ['relay CPU, % of one core (all nodes)', (r) => r?.relayCpuPct],
    ['load generators CPU, % of one core', (r) => r?.loaderCpuPct],
    ['load generators GC pauses: total ms / max ms', (r) => r && `${fmt(r.loaderGcTotalMs)} / ${fmt(r.loaderGcMaxMs)}`],
    ['relay event-loop delay p99 ms', (r) => r?.loopDelayP99Ms],
    ['relay event-loop delay max ms', (r) => r?.loopDelayMaxMs],
    ['relay GC pauses total ms', (r) => r?.gcTotalMs],
    ['relay GC pause max ms', (r) => r?.gcMaxMs],
    ['connection setup s', (r) => r?.setupSeconds],
  ];
  return [
    columnTable(
      `Delivery latency: ${fmt(opts.deliveryConnected)} connected = ${fmt(opts.deliveryRooms)} chatting visitors + ` +
        `${opts.deliveryAgents} agents (each following ~${perAgent} conversations) + ` +
        `${fmt(opts.deliveryConnected - opts.deliveryRooms - opts.deliveryAgents)} idle visitors; ` +
        `${fmt(opts.deliveryRate)} chat.send/s open loop, ${opts.deliveryWarmup} s warm-up + ${opts.deliveryDuration} s measured. ` +
        'Two nodes: visitors on one, agents on the other',
      measured,
      lines,
    ),
    ratioTable('Ratios', measured, [lines[3], lines[5], lines[6], lines[8]]),
  ].join('\n\n');
}

/** The budgets of ARCHITECTURE.md the figures are read against. */
export const BUDGET_LINES = [
  'Budgets (ARCHITECTURE.md): >= 15,000 msg/s persisted+acked (stretch 0.8x bare ws), ack p99 <= 30 ms,',
  '  <= 10 KiB per idle connection, delivery latency p50 <= 1 ms and p99 <= 10 ms with 10k connected',
  '  at 2k msg/s (quoted: bare ws 0.2 / 2.9 ms, Socket.IO 0.34 / 11.8 ms). Figures only; nothing here passes or fails.',
];
