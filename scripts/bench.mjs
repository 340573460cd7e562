// `npm run bench`: durable chat throughput, memory per idle connection and delivery latency with
// 10k connected of the built Parley relay, each beside a bare `ws` relay measured in the same
// run, and co-browse (DOM change -> console mirror latency, bytes/s, chunk size) in Chromium.
// Prints tables and a final JSON line. It reports figures; it never passes or fails on them.
// `--only throughput,memory,delivery,cobrowse` picks parts.
//
// Processes: the relay under test runs alone in a child process; 1-2 load-generator children
// drive it over loopback; this process only orchestrates.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './bench/args.mjs';
import { spawnChild, stopChild, tempDir, removeDir } from './bench/processes.mjs';
import { summarize } from './bench/stats.mjs';
import { BUDGET_LINES, deliveryTable, memoryTable, stalledTable, stormTable, throughputTable } from './bench/report.mjs';
import { DELIVERY_LOADERS, delivery } from './bench/delivery.mjs';
import { formatProfile, summarizeProfile } from './bench/profile-summary.mjs';
import { cobrowse, cobrowseMissing } from './bench/cobrowse.mjs';
import { serversAvailable, startPostgres, startRedis } from '../examples/cluster/servers.mjs';
import { COBROWSE_BUDGET_LINE, cobrowseTable } from './bench/cobrowse-report.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const relayScript = fileURLToPath(new URL('./bench/relay-child.mjs', import.meta.url));
const loaderScript = fileURLToPath(new URL('./bench/loader-child.mjs', import.meta.url));
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

/** Splits `total` into `parts` near-equal whole shares. */
const shares = (total, parts) => Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

async function startRelay(kind, profileDir, env = {}) {
  const dataDir = kind === 'parley' ? tempDir('parley-bench-') : '';
  const execArgv = ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const relay = await spawnChild(relayScript, [kind, dataDir, ...(opts.relay ? [opts.relay] : [])], execArgv, env);
  return {
    ...relay,
    origin: relay.ready.origin,
    async stop() {
      await stopChild(relay);
      if (dataDir) removeDir(dataDir);
    },
  };
}

/** The relays of one throughput column: `nodes` Parley relays sharing `env`, or one of `kind`. */
async function startRelays(kind, profileDir, env, nodes) {
  const relays = [];
  // One after the other: the first start creates the demo site and the admin in a shared database.
  for (let i = 0; i < nodes; i++) relays.push(await startRelay(kind, i === 0 ? profileDir : null, env));
  return relays;
}

/** Sums the `cpu` readings of several relays. */
const cpuOf = async (relays) => {
  const readings = await Promise.all(relays.map((relay) => relay.call('cpu')));
  return readings.reduce((sum, r) => ({ user: sum.user + r.user, system: sum.system + r.system }), { user: 0, system: 0 });
};

/**
 * One throughput run against fresh relays of `kind`: one relay, or (`nodes` 2) a cluster whose
 * visitors are on the first node and agents on the second, so every message crosses the bus.
 */
async function throughput(kind, loaders, profileDir, { env = {}, nodes = 1, label = kind, stalled = false } = {}) {
  const relays = await startRelays(kind, profileDir, env, nodes);
  try {
    const roomShares = shares(opts.rooms, loaders.length);
    const agentShares = shares(opts.agents, loaders.length);
    const origin = relays[0].origin;
    const agentOrigin = relays[relays.length - 1].origin;
    log(`${label}: setting up ${opts.rooms} rooms and ${opts.agents} agent connections`);
    await Promise.all(loaders.map((l, i) => l.call('setup', { kind, origin, agentOrigin, rooms: roomShares[i], agents: agentShares[i], stalled: stalled && i === 0 })));

    log(`${label}: running ${opts.warmup} s warm-up + ${opts.duration} s measured`);
    const warmupMs = opts.warmup * 1000;
    const durationMs = opts.duration * 1000;
    const runs = Promise.all(loaders.map((l) => l.call('run', { warmupMs, durationMs })));
    // The relays' CPU and event loop over the same window, read from the relays themselves.
    const cpuStart = new Promise((resolve) => setTimeout(() => resolve(Promise.all([cpuOf(relays), ...relays.map((r) => r.call('loopStart'))]).then(([cpu]) => cpu)), warmupMs));
    const cpuEnd = new Promise((resolve) => setTimeout(() => resolve(cpuOf(relays)), warmupMs + durationMs));
    const loop = new Promise((resolve) => setTimeout(() => resolve(relays[0].call('loopStats')), warmupMs + durationMs));
    const [results, before, after, loopStats] = await Promise.all([runs, cpuStart, cpuEnd, loop]);
    await Promise.all(loaders.map((l) => l.call('closeAll')));

    const seconds = opts.duration;
    const sum = (key) => results.reduce((n, r) => n + r[key], 0);
    const relayCpuMs = (after.user - before.user + after.system - before.system) / 1000;
    return {
      ackedPerSecond: Math.round(sum('acks') / seconds),
      deliveredPerSecond: Math.round(sum('delivered') / seconds),
      ack: summarize(results.flatMap((r) => r.ackLatency)),
      delivery: summarize(results.flatMap((r) => r.deliveryLatency)),
      relayCpuPct: Math.round(relayCpuMs / (10 * seconds)),
      // CPU per message does not depend on how much of a core the relay got on a busy machine.
      relayCpuUsPerMessage: sum('acks') ? Math.round((relayCpuMs * 1000) / sum('acks')) : null,
      loaderCpuPct: Math.round(sum('cpuMs') / (10 * seconds)),
      errors: sum('errors'),
      stalledClose: results.find((r) => r.stalledClose !== null && r.stalledClose !== undefined)?.stalledClose ?? null,
      ...loopStats,
      firstError: results.find((r) => r.firstError)?.firstError ?? null,
    };
  } finally {
    for (const relay of relays) await relay.stop();
  }
}

/**
 * The scale-out columns: Parley on PostgreSQL (one node), then two nodes on PostgreSQL and
 * Redis with every message crossing the bus (visitors on one node, agents on the other). Each
 * on a fresh PostgreSQL, so neither inherits the other's tables.
 */
async function clusterThroughput(loaders) {
  const column = async (nodes, label) => {
    const servers = await Promise.all([startPostgres(), ...(nodes > 1 ? [startRedis()] : [])]);
    try {
      const env = { PARLEY_BENCH_DATABASE_URL: servers[0].url, ...(nodes > 1 ? { PARLEY_BENCH_REDIS_URL: servers[1].url } : {}) };
      return await throughput('parley', loaders, null, { env, nodes, label });
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  };
  return { postgres: await column(1, 'parley on PostgreSQL'), cluster: await column(2, 'parley, 2 nodes') };
}

/** A Parley relay on `dataDir`, listening on `port` (0: a free one), CPU-profiled into `profileDir` if given. */
async function parleyOn(dataDir, port, profileDir = null) {
  const execArgv = ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const relay = await spawnChild(relayScript, ['parley', dataDir, ...(opts.relay ? [opts.relay] : [])], execArgv, { PARLEY_BENCH_PORT: String(port) });
  return { ...relay, origin: relay.ready.origin, port: relay.ready.port };
}

/**
 * The reconnect storm: every client dropped at once by killing the relay, which is started again
 * on the same port and data; how long until all are back and resumed, and whether anything was
 * lost or doubled (each conversation's next message must take the seq after the last one).
 */
async function reconnectStorm(loaders, profileDir) {
  const dataDir = tempDir('parley-bench-storm-');
  let relay = await parleyOn(dataDir, 0);
  try {
    const clients = shares(opts.stormClients, loaders.length);
    const conversations = shares(opts.stormConversations, loaders.length);
    log(`storm: connecting ${opts.stormClients} visitors (${opts.stormConversations} with a conversation)`);
    await Promise.all(loaders.map((l, i) => l.call('stormSetup', { origin: relay.origin, count: clients[i], conversations: conversations[i] })));
    log('storm: killing the relay and starting it again');
    const killedAt = Date.now();
    const exited = new Promise((resolve) => relay.child.once('exit', resolve));
    relay.child.kill('SIGKILL');
    await exited;
    relay = await parleyOn(dataDir, relay.port, profileDir);
    const restartedMs = Date.now() - killedAt;
    const settled = await Promise.all(loaders.map((l) => l.call('stormSettle', { timeoutMs: 120_000 })));
    // The restarted relay's CPU from its start until every client is back: less sensitive to a busy machine than time.
    const cpu = await relay.call('cpu');
    const checked = await Promise.all(loaders.map((l) => l.call('stormVerify')));
    await Promise.all(loaders.map((l) => l.call('stormClose')));
    const back = settled.flatMap((r) => r.backAt).map((at) => at - killedAt);
    const sum = (rows, key) => rows.reduce((n, r) => n + r[key], 0);
    return {
      clients: sum(settled, 'clients'),
      dropped: sum(settled, 'dropped'),
      back: sum(settled, 'back'),
      restartedMs,
      relayCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      allBackMs: back.length ? Math.max(...back) : null,
      backMs: summarize(back),
      nextSeqRight: sum(checked, 'followed'),
      nextSeqWrong: sum(checked, 'wrong'),
    };
  } finally {
    await stopChild(relay);
    removeDir(dataDir);
  }
}

/** Memory per idle connection against a fresh relay of `kind`. */
async function memory(kind, loader) {
  const relay = await startRelay(kind);
  try {
    log(`${kind}: opening ${opts.idle} idle visitor connections`);
    await loader.call('idlePrepare', { kind, origin: relay.origin, count: opts.idle });
    const before = await relay.call('memory');
    await loader.call('idleOpen', { kind, origin: relay.origin });
    const after = await relay.call('memory');
    await loader.call('closeAll');
    const n = after.connections - before.connections;
    const perConn = (key) => Math.round(((after[key] - before[key]) / n / 1024) * 100) / 100;
    return {
      connections: n,
      rssKiB: perConn('rss'),
      heapKiB: perConn('heapUsed'),
      externalKiB: Math.round(((after.external + after.arrayBuffers - before.external - before.arrayBuffers) / n / 1024) * 100) / 100,
    };
  } finally {
    await relay.stop();
  }
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
  const loaders = await Promise.all(Array.from({ length: loaderCount }, (_, i) => spawnChild(loaderScript, [String(i)])));

  const parley = runs('throughput') ? await throughput('parley', loaders.slice(0, opts.loaders), profileDir) : null;
  const bare = runs('throughput') ? await throughput('bare', loaders.slice(0, opts.loaders), null) : null;
  const scaleOut = runs('throughput') && opts.cluster ? await clusterThroughput(loaders.slice(0, opts.loaders)) : null;
  // The same run with one agent connection that stops reading, on each relay.
  const stalledParley = runs('throughput') ? await throughput('parley', loaders.slice(0, opts.loaders), null, { stalled: true, label: 'parley, one stalled agent' }) : null;
  const stalledBare = runs('throughput') ? await throughput('bare', loaders.slice(0, opts.loaders), null, { stalled: true, label: 'bare, one stalled agent' }) : null;
  const parleyMemory = runs('memory') ? await memory('parley', loaders[0]) : null;
  const bareMemory = runs('memory') ? await memory('bare', loaders[0]) : null;
  const deliveryLoaders = loaders.slice(0, DELIVERY_LOADERS);
  const parleyDelivery = runs('delivery') ? await delivery('parley', deliveryLoaders, opts, (kind) => startRelay(kind), log) : null;
  const bareDelivery = runs('delivery') ? await delivery('bare', deliveryLoaders, opts, (kind) => startRelay(kind), log) : null;
  const stormResult = runs('storm') ? await reconnectStorm(loaders.slice(0, DELIVERY_LOADERS), runs('throughput') ? null : profileDir) : null;
  await Promise.all(loaders.map((l) => stopChild(l)));
  const cobrowseResult = runs('cobrowse') ? await cobrowse(root, opts, (kind) => startRelay(kind), log) : null;

  const machine =
    `Machine: ${cores} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, loopback only. ` +
    `The relay runs alone in one process; ${loaderCount} load-generator process(es)${runs('cobrowse') ? ' and Chromium' : ''} share the same ${cores} cores, ` +
    'so the figures include client-side contention.\n' +
    `1-minute load average: ${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end ` +
    `(above ${cores} means other work competed for the cores and the msg/s and latencies are understated).`;
  console.log('');
  console.log(machine);
  console.log('');
  if (parley && bare) {
    const columns = [{ title: 'Parley (SQLite, sync=normal)', short: 'SQLite', result: parley }];
    if (scaleOut) {
      columns.push({ title: 'Parley (PostgreSQL, 1 node)', short: 'PG', result: scaleOut.postgres });
      columns.push({ title: 'Parley (2 nodes, PG + Redis)', short: '2 nodes', result: scaleOut.cluster });
    }
    console.log(throughputTable(opts, columns, bare));
    if (runs('throughput') && !opts.cluster) console.log('(PostgreSQL and cluster columns skipped: --no-cluster, or no postgresql/redis-server here)');
    console.log('');
    console.log(stalledTable(opts, { parley, stalledParley, bare, stalledBare }));
    if (parley.firstError) console.log(`first refused send (Parley): ${parley.firstError.slice(0, 200)}`);
    console.log('');
  }
  if (parleyMemory && bareMemory) {
    console.log(memoryTable(opts, parleyMemory, bareMemory));
    console.log('');
  }
  if (parleyDelivery && bareDelivery) {
    console.log(deliveryTable(opts, parleyDelivery, bareDelivery));
    if (parleyDelivery.firstError) console.log(`first error frame (Parley): ${parleyDelivery.firstError.slice(0, 200)}`);
    console.log('');
  }
  if (stormResult) {
    console.log(stormTable(opts, stormResult));
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
  /** A result without its first error text (printed above, not part of the figures). */
  const figures = (r) => {
    if (!r) return null;
    const { firstError: _, ...rest } = r;
    return rest;
  };
  console.log(
    JSON.stringify({
      bench: 'parley-relay',
      cores,
      loadAverage: { start: loadBefore, end: loadavg()[0] },
      node: process.version,
      options: opts,
      throughput: parley && {
        parley: figures(parley),
        postgres: figures(scaleOut?.postgres),
        cluster: figures(scaleOut?.cluster),
        stalledAgent: { parley: figures(stalledParley), bare: figures(stalledBare) },
        bare: figures(bare),
        ratio: parley.ackedPerSecond && bare.ackedPerSecond ? Math.round((parley.ackedPerSecond / bare.ackedPerSecond) * 1000) / 1000 : null,
      },
      memoryPerIdleConnectionKiB: parleyMemory && { parley: parleyMemory, bare: bareMemory },
      delivery: parleyDelivery && { parley: figures(parleyDelivery), bare: figures(bareDelivery) },
      reconnectStorm: stormResult,
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
