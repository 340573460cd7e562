// A relay in its own process: `node relay-child.mjs parley <dataDir> [module]` (the built Parley
// relay, SQLite, synchronous=normal, rate limits raised), `node relay-child.mjs socketio` (the
// peer baseline) or `node relay-child.mjs bare` (the ceiling).
// With PARLEY_BENCH_DATABASE_URL the Parley relay keeps its data in that PostgreSQL instead, and
// with PARLEY_BENCH_REDIS_URL the Parley or Socket.IO relay is one node of a cluster on that Redis.
// PARLEY_BENCH_PORT: the port to listen on (a relay started again after being killed).
// Started with --expose-gc so `memory` can report usage after a full collection.
import { serve } from './rpc.mjs';
import { startBareRelay } from './bare-relay.mjs';
import { startSocketIoRelay } from './socketio-relay.mjs';
import { ADMIN_PASSWORD } from './parley-client.mjs';

import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [kind, dataDir, relayModule] = process.argv.slice(2);

async function startParley() {
  const { startRelay } = await import(relayModule ? pathToFileURL(relayModule).href : '../../server/dist/index.js');
  const relay = await startRelay({
    host: '127.0.0.1',
    // A relay started again after being killed listens where its clients reconnect.
    port: Number(process.env.PARLEY_BENCH_PORT ?? 0),
    dataDir,
    storage: 'sqlite',
    synchronous: 'normal',
    databaseUrl: process.env.PARLEY_BENCH_DATABASE_URL ?? null,
    redisUrl: process.env.PARLEY_BENCH_REDIS_URL ?? null,
    secret: 'bench-secret-bench-secret-bench-secret',
    adminPassword: ADMIN_PASSWORD,
    demoSiteSecret: 'bench-site-secret',
    logLevel: 'error',
    // One agent connection follows its whole share of rooms, however many there are.
    maxOpenConversations: 1_000_000,
    // The bench measures the relay's capacity, not its abuse limits: every client comes from
    // one loopback address, so the per-address caps are lifted too.
    maxConnectionsPerIp: 1_000_000,
    visitorCreationsPerMinute: 1_000_000,
    limits: { framesPerSecond: 100_000, frameBurst: 100_000 },
  });
  return { port: relay.port, connections: () => relay.connections(), close: () => relay.close() };
}

const port = Number(process.env.PARLEY_BENCH_PORT ?? 0);
const relay =
  kind === 'parley'
    ? await startParley()
    : kind === 'socketio'
      ? await startSocketIoRelay({ port, redisUrl: process.env.PARLEY_BENCH_REDIS_URL ?? null })
      : await startBareRelay();

// How late the relay's event loop runs, and its garbage-collection pauses, over a measured window
// (`loopStart` ... `loopStats`): what a stalled relay does to every connection at once.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
let gc = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });
const ms = (ns) => Math.round(ns / 1e4) / 100;

serve({
  loopStart() {
    loopDelay.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0 };
    return true;
  },
  loopStats() {
    return {
      loopDelayP50Ms: ms(loopDelay.percentile(50)),
      loopDelayP99Ms: ms(loopDelay.percentile(99)),
      loopDelayMaxMs: ms(loopDelay.max),
      gcPauses: gc.count,
      gcTotalMs: Math.round(gc.totalMs * 10) / 10,
      gcMaxMs: Math.round(gc.maxMs * 10) / 10,
    };
  },
  memory() {
    // Several passes: weak references and finalizers free more on the second one.
    for (let i = 0; i < 3; i++) globalThis.gc();
    return { ...process.memoryUsage(), connections: relay.connections() };
  },
  cpu() {
    return process.cpuUsage();
  },
  /** Open WebSocket connections, without the forced GC of `memory`. */
  connections() {
    return relay.connections();
  },
  async stop() {
    await relay.close();
    // Exit on the next turn so the answer is sent first; a normal exit writes --cpu-prof output.
    setTimeout(() => process.exit(0), 20);
  },
});
process.send({ event: 'ready', port: relay.port, origin: `http://127.0.0.1:${relay.port}` });
