// `npm run bench`: the built Parley relay on SQLite, on PostgreSQL (one node) and as two nodes
// on PostgreSQL + Redis, beside Socket.IO 4 doing the same chat flow (one node, and two on its
// Redis adapter: the baseline a site would pick instead, acking from memory) and a bare `ws`
// relay (the ceiling), all in the same run and the same tables: durable throughput and ack
// latency, one stalled consumer's effect on everyone else, memory per idle connection, delivery
// latency with 10k connected, a reconnect storm of 10k clients; then co-browse (DOM change ->
// console mirror latency, bytes/s, chunk size) in Chromium. Prints tables, the ratios (Parley ÷
// bare ws, Parley ÷ Socket.IO) and a final JSON line. It reports figures; it never passes or
// fails on them. `--only throughput,memory,delivery,storm,cobrowse` picks parts; `--quick` runs
// every part on every column with small counts and short windows (under 2 minutes on 2 cores:
// 87 s with a load average of 5 to 7.5 from other work; a smoke run whose figures are rough,
// see QUICK in bench/args.mjs); `--help` lists the flags.
//
// Processes: each relay under test runs alone in a child process; 1-2 load-generator children
// drive it over loopback; this process only orchestrates. PostgreSQL and Redis are started on
// free loopback ports in temporary directories (examples/cluster/servers.mjs).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './bench/args.mjs';
import { spawnChild, stopChild, tempDir } from './bench/processes.mjs';
import { BUDGET_LINES, deliveryTable, memoryTable, stalledTable, stormTable, throughputTable } from './bench/report.mjs';
import { DELIVERY_LOADERS, delivery } from './bench/delivery.mjs';
import { formatProfile, summarizeProfile } from './bench/profile-summary.mjs';
import { cobrowse, cobrowseMissing } from './bench/cobrowse.mjs';
import { serversAvailable } from '../examples/cluster/servers.mjs';
import { COBROWSE_BUDGET_LINE, cobrowseTable } from './bench/cobrowse-report.mjs';
import { Servers, columnsFor } from './bench/columns.mjs';
import { throughput } from './bench/throughput.mjs';
import { memory } from './bench/memory.mjs';
import { reconnectStorm } from './bench/storm-run.mjs';
import { startRelay } from './bench/relays.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const loaderScript = fileURLToPath(new URL('./bench/loader-child.mjs', import.meta.url));
/**
 * A load generator's own GC pauses delay every timestamp it takes meanwhile. With a default heap,
 * one holding 5,000 connections whose agents receive inbox activity ran a major collection every
 * 0.6 s (pauses to 20 ms, measured with --trace-gc) inside the delivery window, and the delivery
 * p99 it reported doubled. A larger initial old space keeps them out of the window; the pauses
 * left are reported beside the latencies.
 */
const LOADER_EXEC_ARGV = ['--initial-old-space-size=512'];
const opts = parseArgs(process.argv.slice(2));
// The scale-out columns need PostgreSQL and Redis servers on this machine.
if (opts.cluster && !serversAvailable()) opts.cluster = false;
const log = (line) => console.error(`[bench] ${line}`);

function ensureBuilt() {
  if (opts.relay) {
    if (!existsSync(opts.relay)) throw new Error(`--relay ${opts.relay} does not exist`);
    return;
  }
  if (!existsSync(join(root, 'server/dist/index.js'))) {
    log('server/dist/index.js is missing: building the relay (PARLEY_TARGETS=server npx rollup -c)');
    execFileSync('npx', ['rollup', '-c'], { cwd: root, stdio: 'inherit', env: { ...process.env, PARLEY_TARGETS: 'server' } });
  }
  if (opts.only.includes('cobrowse') && cobrowseMissing(root).length > 0) {
    // Co-browse drives the built widget and console in a browser, served by the relay.
    log(`${cobrowseMissing(root).join(', ')} missing: building the widget and console (PARLEY_TARGETS=widget,console npx rollup -c)`);
    execFileSync('npx', ['rollup', '-c'], { cwd: root, stdio: 'inherit', env: { ...process.env, PARLEY_TARGETS: 'widget,console' } });
  }
}

/**
 * Runs `part` (named `name` in the log) for each column that `which` keeps, one after the other.
 * @returns {Promise<(import('./bench/columns.mjs').Column & { result: any })[]>}
 */
async function perColumn(name, columns, servers, which, part) {
  const measured = [];
  for (const column of columns.filter(which)) {
    const start = Date.now();
    measured.push({ ...column, result: await part(column, await servers.env(column)) });
    log(`${name}, ${column.short}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
  return measured;
}

async function main() {
  ensureBuilt();
  const cores = cpus().length;
  const started = Date.now();
  const loadBefore = loadavg()[0];
  const profileDir = opts.cpuProf ? tempDir('parley-bench-profile-') : null;
  const runs = (part) => opts.only.includes(part);
  const loadGenerated = runs('throughput') || runs('memory') || runs('delivery') || runs('storm');
  const loaderCount = loadGenerated ? Math.max(runs('throughput') ? opts.loaders : 1, runs('delivery') || runs('storm') ? DELIVERY_LOADERS : 1) : 0;
  const loaders = await Promise.all(Array.from({ length: loaderCount }, (_, i) => spawnChild(loaderScript, [String(i)], LOADER_EXEC_ARGV)));
  const columns = columnsFor(opts);
  const servers = new Servers();
  const all = () => true;
  const throughputLoaders = loaders.slice(0, opts.loaders);
  const deliveryLoaders = loaders.slice(0, DELIVERY_LOADERS);
  let results;
  try {
    results = {
      throughput: runs('throughput')
        ? await perColumn('throughput', columns, servers, all, (c, env) => throughput(c, env, throughputLoaders, opts, log, { profileDir: c.key === 'sqlite' ? profileDir : null }))
        : [],
      // The same run with one agent connection that stops reading, on each relay.
      stalled: runs('throughput') ? await perColumn('stalled consumer', columns, servers, all, (c, env) => throughput(c, env, throughputLoaders, opts, log, { stalled: true })) : [],
      // Memory per connection is the node's own: one node of each kind.
      memory: runs('memory') ? await perColumn('memory', columns, servers, (c) => c.nodes === 1 && !c.postgres, (c) => memory(c, loaders[0], opts, log)) : [],
      delivery: runs('delivery') ? await perColumn('delivery', columns, servers, all, (c, env) => delivery(c, env, deliveryLoaders, opts, log)) : [],
      storm: runs('storm') ? await perColumn('storm', columns, servers, (c) => c.kind !== 'bare', (c, env) => reconnectStorm(c, env, deliveryLoaders, opts, log)) : [],
    };
  } finally {
    await Promise.all(loaders.map((l) => stopChild(l)));
    await servers.stop();
  }
  const cobrowseResult = runs('cobrowse') ? await cobrowse(root, opts, (kind) => startRelay(kind, { relayModule: opts.relay }), log) : null;

  const machine =
    `Machine: ${cores} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, loopback only. ` +
    `Each relay runs alone in one process; ${loaderCount} load-generator process(es)${runs('cobrowse') ? ' and Chromium' : ''}, ` +
    `and PostgreSQL and Redis for the columns using them, share the same ${cores} cores, so the figures include client-side contention.\n` +
    `1-minute load average: ${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end ` +
    `(above ${cores} means other work competed for the cores and the msg/s and latencies are understated).` +
    (opts.quick ? '\n--quick: smaller counts and short windows; a smoke run, not figures to quote.' : '');
  console.log('');
  console.log(machine);
  console.log('');
  if (!opts.cluster) console.log('(PostgreSQL and two-node columns left out: --no-cluster, or no postgresql/redis-server here)\n');
  if (results.throughput.length) {
    console.log(throughputTable(opts, results.throughput));
    console.log('');
    console.log(stalledTable(opts, results.throughput, results.stalled));
    const refused = results.throughput.find((m) => m.result.firstError);
    if (refused) console.log(`first refused send (${refused.short}): ${refused.result.firstError.slice(0, 200)}`);
    console.log('');
  }
  if (results.memory.length) {
    console.log(memoryTable(opts, results.memory));
    console.log('');
  }
  if (results.delivery.length) {
    console.log(deliveryTable(opts, results.delivery));
    const errored = results.delivery.find((m) => m.result.firstError);
    if (errored) console.log(`first error frame (${errored.short}): ${errored.result.firstError.slice(0, 200)}`);
    console.log('');
  }
  if (results.storm.length) {
    console.log(stormTable(opts, results.storm));
    console.log('');
  }
  if (cobrowseResult) {
    console.log(cobrowseTable(cobrowseResult));
    console.log('');
  }
  for (const line of BUDGET_LINES) console.log(line);
  if (runs('cobrowse')) console.log(COBROWSE_BUDGET_LINE);

  let profile = null;
  if (profileDir) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      // Copied out of the run's temporary folder so it survives for a closer look (e.g. in DevTools).
      const kept = join(tmpdir(), 'parley-bench-relay.cpuprofile');
      copyFileSync(join(profileDir, file), kept);
      profile = summarizeProfile(kept);
      console.log('');
      console.log(formatProfile(profile));
      console.log(`(profile kept at ${kept})`);
    }
  }
  console.log('');
  /** Each column's figures by key, without the first error text (printed above, not part of the figures). */
  const figures = (measured) => {
    if (!measured.length) return null;
    return Object.fromEntries(
      measured.map((m) => {
        const { firstError: _, ...rest } = m.result;
        return [m.key, rest];
      }),
    );
  };
  console.log(
    JSON.stringify({
      bench: 'parley-relay',
      cores,
      loadAverage: { start: loadBefore, end: loadavg()[0] },
      node: process.version,
      options: opts,
      throughput: figures(results.throughput),
      stalledAgent: figures(results.stalled),
      memoryPerIdleConnectionKiB: figures(results.memory),
      delivery: figures(results.delivery),
      reconnectStorm: figures(results.storm),
      cobrowse: cobrowseResult,
      profile: profile && { top: profile.top.slice(0, 10), areas: profile.areas },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }),
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error('[bench] failed:', error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
