// The durable-throughput run of one column, optionally with one stalled consumer: fresh relays,
// rooms and agent connections set up by the load generators, a warm-up, then a measured window
// over which the relays' own CPU, event-loop delay and GC pauses are read too.
import { summarize } from './stats.mjs';
import { cpuOf, shares, startColumn, stopAll } from './relays.mjs';

/** Resolves with `fn()` after `ms`. */
const at = (ms, fn) => new Promise((resolve) => setTimeout(() => resolve(fn()), ms));

/**
 * One throughput run against fresh relays of `column`: one relay, or (two nodes) a cluster whose
 * visitors are on the first node and agents on the second, so every message crosses the bus.
 * @param {import('./columns.mjs').Column} column
 * @param {Record<string, string>} env the column's database and bus
 * @param {{ call(cmd: string, args?: object): Promise<any> }[]} loaders
 * @param {{ rooms: number, agents: number, warmup: number, duration: number, relay: string | null }} opts
 * @param {(line: string) => void} log
 * @param {{ profileDir?: string | null, stalled?: boolean }} [options]
 */
export async function throughput(column, env, loaders, opts, log, { profileDir = null, stalled = false } = {}) {
  const label = `${column.short}${stalled ? ', one stalled agent' : ''}`;
  const relays = await startColumn(column, env, { profileDir, relayModule: opts.relay });
  try {
    const roomShares = shares(opts.rooms, loaders.length);
    const agentShares = shares(opts.agents, loaders.length);
    const origin = relays[0].origin;
    const agentOrigin = relays[relays.length - 1].origin;
    const kind = column.kind;
    log(`${label}: setting up ${opts.rooms} rooms and ${opts.agents} agent connections`);
    await Promise.all(loaders.map((l, i) => l.call('setup', { kind, origin, agentOrigin, rooms: roomShares[i], agents: agentShares[i], stalled: stalled && i === 0 })));

    log(`${label}: running ${opts.warmup} s warm-up + ${opts.duration} s measured`);
    const warmupMs = opts.warmup * 1000;
    const durationMs = opts.duration * 1000;
    const runs = Promise.all(loaders.map((l) => l.call('run', { warmupMs, durationMs })));
    const cpuStart = at(warmupMs, () => Promise.all([cpuOf(relays), ...relays.map((r) => r.call('loopStart'))]).then(([cpu]) => cpu));
    const cpuEnd = at(warmupMs + durationMs, () => cpuOf(relays));
    const loop = at(warmupMs + durationMs, () => relays[0].call('loopStats'));
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
    await stopAll(relays);
  }
}
