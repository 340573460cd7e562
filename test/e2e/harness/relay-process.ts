/**
 * The BUILT relay as a child process: `node server/bin/parley.js start --port 0 ...` on a fresh
 * data directory. It can be killed with SIGKILL and restarted on the same data directory and
 * port, which is how the tests prove that nothing acknowledged is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, RELAY_BIN, ROOT } from './paths.js';

/** The line the relay prints once it listens (see the contracts: tests parse it). */
const LISTENING = /Parley relay listening on (http:\/\/[^\s]+?):(\d+)\s*$/m;

/** How long a start may take before the test gives up and shows the relay's output. */
const START_TIMEOUT_MS = 20_000;

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** Extra command-line flags, e.g. `['--allowed-origins', 'http://a.test']`. */
  args?: string[];
}

/** A running (or killed) relay process. */
export interface RelayProcess {
  /** `http://127.0.0.1:PORT`, as printed on the listening line. */
  readonly origin: string;
  /** The relay's public origin (`http://localhost:PORT` by default): the console's own origin. */
  readonly publicOrigin: string;
  /** `ws://127.0.0.1:PORT/ws`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly dataDir: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** Everything the relay wrote to stdout and stderr, across restarts. */
  output(): string;
  /** True while the process runs. */
  running(): boolean;
  /** Kills the process with SIGKILL (no graceful shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts the relay again on the same data directory and port. */
  restart(): Promise<void>;
  /** Stops the relay (SIGTERM, then SIGKILL) and removes its data directory. */
  close(): Promise<void>;
}

/** The public origin a relay reports on its console line, if it printed one. */
function publicOriginFrom(text: string, port: number): string | null {
  const match = /(https?:\/\/[^\s/]+)\/console\/?/.exec(text);
  if (!match) return null;
  const origin = match[1]!;
  return origin.endsWith(`:${port}`) ? origin : null;
}

/** Waits for `child` to exit (resolves at once when it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Environment for the child: the parent's, minus any setting that would override the flags, and
 * with `NODE_ENV=production` (vitest sets `test`) so the relay runs as a user would run it.
 */
function relayEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const key of Object.keys(env)) {
    if (key === 'PORT' || key.startsWith('PARLEY_')) delete env[key];
  }
  return env;
}

/**
 * Starts the built relay on a loopback port chosen by the OS, with a fresh data directory and a
 * known admin account. Resolves once the listening line (and, when printed, the console URL) is seen.
 */
export async function startRelay(options: RelayOptions = {}): Promise<RelayProcess> {
  assertBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-'));
  const adminEmail = 'admin@test.local';
  const adminPassword = `pw-${randomBytes(9).toString('base64url')}`;
  let log = '';
  let child: ChildProcess | null = null;
  let port = 0;
  let origin = '';
  let publicOrigin = '';

  const spawnRelay = (listenPort: number): Promise<void> => {
    const args = [
      RELAY_BIN,
      'start',
      '--port', String(listenPort),
      '--host', '127.0.0.1',
      '--data-dir', dataDir,
      '--admin-email', adminEmail,
      '--admin-password', adminPassword,
      ...(options.args ?? []),
    ];
    const proc = spawn(process.execPath, args, { cwd: ROOT, env: relayEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stdout = '';
    return new Promise<void>((resolve, reject) => {
      let listening = false;
      let settled = false;
      const timer = setTimeout(() => fail(new Error('the listening line did not appear in time')), START_TIMEOUT_MS);
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        proc.kill('SIGKILL');
        reject(new Error(`Relay failed to start: ${error.message}\n--- relay output ---\n${log}`));
      };
      const done = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve();
      };
      proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
      });
      proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        stdout += chunk;
        if (!listening) {
          const match = LISTENING.exec(stdout);
          if (!match) return;
          listening = true;
          origin = `${match[1]}:${match[2]}`;
          port = Number(match[2]);
          publicOrigin = `http://localhost:${port}`;
          // The console URL normally follows in the same write; if it never comes, keep the default.
          setTimeout(done, 1_000);
        }
        const printed = publicOriginFrom(stdout.slice(stdout.search(LISTENING)), port);
        if (printed) publicOrigin = printed;
        if (printed) done();
      });
      proc.once('error', fail);
      proc.once('exit', (code, signal) => {
        if (!listening) fail(new Error(`the process exited (code ${code}, signal ${signal})`));
      });
    });
  };

  await spawnRelay(0);

  const relay: RelayProcess = {
    get origin() {
      return origin;
    },
    get publicOrigin() {
      return publicOrigin;
    },
    get wsUrl() {
      return `${origin.replace(/^http/, 'ws')}/ws`;
    },
    get port() {
      return port;
    },
    dataDir,
    adminEmail,
    adminPassword,
    output: () => log,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    async kill() {
      if (!child) return;
      const proc = child;
      proc.kill('SIGKILL');
      await exited(proc);
      log += '\n--- relay killed with SIGKILL ---\n';
    },
    async restart() {
      if (relay.running()) await relay.kill();
      const before = port;
      log += '\n--- relay restarting ---\n';
      await spawnRelay(before);
      if (port !== before) throw new Error(`Relay restarted on port ${port}, expected ${before}`);
    },
    async close() {
      const proc = child;
      if (proc && relay.running()) {
        proc.kill('SIGTERM');
        const forced = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited(proc);
        clearTimeout(forced);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return relay;
}
