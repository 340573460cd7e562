// Starting the relays under test, each alone in its own child process (relay-child.mjs).
import { fileURLToPath } from 'node:url';
import { removeDir, spawnChild, stopChild, tempDir } from './processes.mjs';

const relayScript = fileURLToPath(new URL('./relay-child.mjs', import.meta.url));

/**
 * @typedef {{ child: import('node:child_process').ChildProcess, call(cmd: string, args?: object): Promise<any>,
 *   origin: string, port: number, dataDir: string, stop(): Promise<void> }} Relay
 */

/**
 * Starts one relay of `kind`. A Parley relay gets a fresh data folder, removed when it stops,
 * unless `dataDir` is given (a relay started again on the data of one killed).
 * @param {string} kind 'parley', 'socketio' or 'bare'
 * @param {{ env?: Record<string, string>, profileDir?: string | null, port?: number, dataDir?: string,
 *   relayModule?: string | null }} [options]
 * @returns {Promise<Relay>}
 */
export async function startRelay(kind, { env = {}, profileDir = null, port = 0, dataDir, relayModule = null } = {}) {
  const owned = kind === 'parley' && dataDir === undefined;
  const dir = owned ? tempDir('parley-bench-') : (dataDir ?? '');
  const execArgv = ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const args = [kind, dir, ...(relayModule ? [relayModule] : [])];
  const relay = await spawnChild(relayScript, args, execArgv, { ...env, PARLEY_BENCH_PORT: String(port) });
  return {
    ...relay,
    origin: relay.ready.origin,
    port: relay.ready.port,
    dataDir: dir,
    async stop() {
      await stopChild(relay);
      if (owned) removeDir(dir);
    },
  };
}

/**
 * The relays of one column: `column.nodes` relays of its kind sharing `env`, one after the other
 * (the first Parley node creates the demo site and the admin in a shared database).
 * @param {import('./columns.mjs').Column} column
 * @returns {Promise<Relay[]>}
 */
export async function startColumn(column, env, { profileDir = null, relayModule = null } = {}) {
  const relays = [];
  for (let i = 0; i < column.nodes; i++) relays.push(await startRelay(column.kind, { env, profileDir: i === 0 ? profileDir : null, relayModule }));
  return relays;
}

/** Stops relays, one after the other. */
export async function stopAll(relays) {
  for (const relay of relays) await relay.stop();
}

/** Sums the `cpu` readings of several relays. */
export async function cpuOf(relays) {
  const readings = await Promise.all(relays.map((relay) => relay.call('cpu')));
  return readings.reduce((sum, r) => ({ user: sum.user + r.user, system: sum.system + r.system }), { user: 0, system: 0 });
}

/** Splits `total` into `parts` near-equal whole shares. */
export const shares = (total, parts) => Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
