// The delivery-latency scenario of ARCHITECTURE.md: 10,000 connected (5,000 rooms = 5,000
// chatting visitor connections, 50 agent connections each following 100 conversations, and
// idle visitor connections, widget loaded but nobody chatting, for the rest) while an open-loop
// sender pushes 2,000 chat.send per second. Always spread over two load-generator processes (a
// process may hold 20,000 files here). Sockets connect from 127.0.0.1 with kernel-chosen ports:
// pinning a source address (127.0.0.2, ...) makes every connect bind() first, which searches the
// port range past the previous run's TIME_WAIT sockets and slowed 5,000 connects from 2 s to 20 s.
import { summarize } from './stats.mjs';
import { cpuOf, shares, startColumn, stopAll } from './relays.mjs';

/** Load-generator processes the scenario uses. */
export const DELIVERY_LOADERS = 2;

/**
 * One delivery run against fresh relays of `column`: with two nodes, visitors (chatting and idle)
 * on the first and agents on the second, so every delivery crosses the bus.
 * @param {import('./columns.mjs').Column} column
 * @param {Record<string, string>} env the column's database and bus
 * @param {{ call(cmd: string, args?: object): Promise<any> }[]} loaders exactly DELIVERY_LOADERS
 * @param {{ deliveryRooms: number, deliveryAgents: number, deliveryConnected: number, deliveryRate: number,
 *   deliveryWarmup: number, deliveryDuration: number, relay: string | null }} opts
 * @param {(line: string) => void} log
 */
export async function delivery(column, env, loaders, opts, log) {
  const { kind, short } = column;
  const relays = await startColumn(column, env, { relayModule: opts.relay });
  const origin = relays[0].origin;
  const agentOrigin = relays[relays.length - 1].origin;
  try {
    const roomShares = shares(opts.deliveryRooms, loaders.length);
    const agentShares = shares(opts.deliveryAgents, loaders.length);
    const rateShares = roomShares.map((rooms) => (opts.deliveryRate * rooms) / opts.deliveryRooms);
    const idleShares = shares(opts.deliveryConnected - opts.deliveryRooms - opts.deliveryAgents, loaders.length);
    log(
      `${short}: connecting ${opts.deliveryRooms} chatting visitors + ${opts.deliveryAgents} agents + ` +
        `${opts.deliveryConnected - opts.deliveryRooms - opts.deliveryAgents} idle visitors from ${loaders.length} load generators`,
    );
    const setupStart = Date.now();
    await Promise.all(
      loaders.map((l, i) => l.call('setup', { kind, origin, agentOrigin, rooms: roomShares[i], agents: agentShares[i], idle: idleShares[i] })),
    );
    const setupSeconds = Math.round((Date.now() - setupStart) / 100) / 10;
    const held = (await Promise.all(relays.map((r) => r.call('connections')))).reduce((a, b) => a + b, 0);
    log(`${short}: ${held} connections held after ${setupSeconds} s; sending ${opts.deliveryRate} msg/s for ${opts.deliveryWarmup} s warm-up + ${opts.deliveryDuration} s measured`);

    const warmupMs = opts.deliveryWarmup * 1000;
    const durationMs = opts.deliveryDuration * 1000;
    const runs = Promise.all(loaders.map((l, i) => l.call('runDelivery', { rate: rateShares[i], warmupMs, durationMs })));
    const cpuStart = new Promise((resolve) => setTimeout(() => resolve(Promise.all([cpuOf(relays), ...relays.map((r) => r.call('loopStart'))]).then(([cpu]) => cpu)), warmupMs));
    const cpuEnd = new Promise((resolve) => setTimeout(() => resolve(cpuOf(relays)), warmupMs + durationMs));
    // The event loop of the node the visitors send to.
    const loop = new Promise((resolve) => setTimeout(() => resolve(relays[0].call('loopStats')), warmupMs + durationMs));
    const [results, before, after, loopStats] = await Promise.all([runs, cpuStart, cpuEnd, loop]);
    await Promise.all(loaders.map((l) => l.call('closeAll')));

    const seconds = opts.deliveryDuration;
    const sum = (key) => results.reduce((n, r) => n + r[key], 0);
    const relayCpuMs = (after.user - before.user + after.system - before.system) / 1000;
    return {
      connections: held,
      setupSeconds,
      targetRate: opts.deliveryRate,
      sentPerSecond: Math.round(sum('measured') / seconds),
      deliveredPerSecond: Math.round((sum('measured') - sum('undelivered')) / seconds),
      delivery: summarize(results.flatMap((r) => r.deliveryLatency)),
      ack: summarize(results.flatMap((r) => r.ackLatency)),
      senderLag: summarize(results.flatMap((r) => r.lag)),
      measured: sum('measured'),
      socketsClosed: sum('closed'),
      unacked: sum('unacked'),
      undelivered: sum('undelivered'),
      errors: sum('errors'),
      agentFramesPerSecond: Math.round(sum('agentFrames') / seconds),
      agentKiBPerSecond: Math.round(sum('agentBytes') / 1024 / seconds),
      relayCpuPct: Math.round(relayCpuMs / (10 * seconds)),
      loaderCpuPct: Math.round(sum('cpuMs') / (10 * seconds)),
      loaderGcTotalMs: Math.round(sum('gcTotalMs') * 10) / 10,
      loaderGcMaxMs: Math.round(Math.max(...results.map((r) => r.gcMaxMs)) * 10) / 10,
      ...loopStats,
      firstError: results.find((r) => r.firstError)?.firstError ?? null,
    };
  } finally {
    await stopAll(relays);
  }
}
