// The reconnect storm of one column: every client dropped at once by killing (SIGKILL) the node
// they are on. One node is started again on the same port and data; in a two-node column the
// clients come back through the "load balancer" to the node left. Measured: how long until all
// are back (Parley: and resumed), and for Parley whether each conversation's next message takes
// the seq after its last (nothing lost, nothing doubled). Socket.IO has no resume: its clients
// are timed until connected and joined again, and nothing is checked.
import { summarize } from './stats.mjs';
import { shares, startColumn, startRelay, stopAll } from './relays.mjs';

/**
 * @param {import('./columns.mjs').Column} column
 * @param {Record<string, string>} env the column's database and bus
 * @param {{ call(cmd: string, args?: object): Promise<any> }[]} loaders
 * @param {{ stormClients: number, stormConversations: number, relay: string | null }} opts
 * @param {(line: string) => void} log
 */
export async function reconnectStorm(column, env, loaders, opts, log) {
  const { kind } = column;
  const relays = await startColumn(column, env, { relayModule: opts.relay });
  let restarted = null;
  try {
    const [victim] = relays;
    const survivor = relays.length > 1 ? relays[relays.length - 1] : null;
    const clients = shares(opts.stormClients, loaders.length);
    const conversations = shares(opts.stormConversations, loaders.length);
    log(`storm, ${column.short}: connecting ${opts.stormClients} visitors (${opts.stormConversations} with a conversation)`);
    const reconnectOrigin = (survivor ?? victim).origin;
    await Promise.all(loaders.map((l, i) => l.call('stormSetup', { kind, origin: victim.origin, reconnectOrigin, count: clients[i], conversations: conversations[i] })));
    log(`storm, ${column.short}: killing ${survivor ? 'the first node; clients come back to the second' : 'the relay and starting it again'}`);
    const cpuBefore = survivor ? await survivor.call('cpu') : { user: 0, system: 0 };
    const killedAt = Date.now();
    const exited = new Promise((resolve) => victim.child.once('exit', resolve));
    victim.child.kill('SIGKILL');
    await exited;
    if (!survivor) restarted = await startRelay(kind, { env, port: victim.port, dataDir: victim.dataDir, relayModule: opts.relay });
    const restartedMs = restarted ? Date.now() - killedAt : null;
    const settled = await Promise.all(loaders.map((l) => l.call('stormSettle', { timeoutMs: 120_000 })));
    // The CPU of the relay the clients came back to, from its start (or the kill) until all were
    // back: less sensitive to a busy machine than the time.
    const cpuAfter = await (restarted ?? survivor).call('cpu');
    const checked = await Promise.all(loaders.map((l) => l.call('stormVerify')));
    await Promise.all(loaders.map((l) => l.call('stormClose')));
    const back = settled.flatMap((r) => r.backAt).map((t) => t - killedAt);
    const sum = (rows, key) => rows.reduce((n, r) => n + r[key], 0);
    return {
      clients: sum(settled, 'clients'),
      dropped: sum(settled, 'dropped'),
      back: sum(settled, 'back'),
      restartedMs,
      relayCpuMs: Math.round((cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000),
      failover: survivor !== null,
      allBackMs: back.length ? Math.max(...back) : null,
      backMs: summarize(back),
      resumed: checked.every((c) => c.checked),
      nextSeqRight: sum(checked, 'followed'),
      nextSeqWrong: sum(checked, 'wrong'),
    };
  } finally {
    if (restarted) await restarted.stop();
    await stopAll(relays);
  }
}
