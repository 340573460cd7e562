// Memory per idle connection: the relay's memory after a forced GC, before and after a load
// generator opened `opts.idle` visitor connections that then do nothing.
import { startRelay } from './relays.mjs';

/**
 * Memory per idle connection against a fresh relay of `column` (one node).
 * @param {import('./columns.mjs').Column} column
 * @param {{ call(cmd: string, args?: object): Promise<any> }} loader
 * @param {{ idle: number, relay: string | null }} opts
 * @param {(line: string) => void} log
 */
export async function memory(column, loader, opts, log) {
  const { kind } = column;
  const relay = await startRelay(kind, { relayModule: opts.relay });
  try {
    log(`${column.short}: opening ${opts.idle} idle visitor connections`);
    await loader.call('idlePrepare', { kind, origin: relay.origin, count: opts.idle });
    const before = await relay.call('memory');
    await loader.call('idleOpen', { kind, origin: relay.origin });
    const after = await relay.call('memory');
    await loader.call('closeAll');
    const n = after.connections - before.connections;
    const perConn = (delta) => Math.round((delta / n / 1024) * 100) / 100;
    return {
      connections: n,
      rssKiB: perConn(after.rss - before.rss),
      heapKiB: perConn(after.heapUsed - before.heapUsed),
      externalKiB: perConn(after.external + after.arrayBuffers - before.external - before.arrayBuffers),
    };
  } finally {
    await relay.stop();
  }
}
