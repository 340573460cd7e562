/**
 * Test helper: a real PostgreSQL 15 server (Debian's `postgresql`) on a free loopback port, in a
 * fresh temporary directory, for one test file. Never a system service, never a fixed port.
 *
 * Run as root, the server runs as the `postgres` user (PostgreSQL refuses root): the directory is
 * handed to it and `initdb` and `postgres` are spawned with its uid, so the pid this helper holds
 * is the postmaster's own and a SIGKILL reaches it (not a `runuser` wrapper).
 *
 * Speed: by default fsync and full-page writes are off: a commit is written to the kernel but not
 * forced to the disk, which loses nothing unless the machine itself crashes. Synchronous commit
 * stays on, so a commit the server acknowledged survives the server being killed (SIGKILL) and
 * restarted, as tests of a crashed database expect. `durable: true` keeps fsync on as well.
 * Readiness is awaited, not slept for: the server's "ready to accept connections" line, then a
 * real connection. Whatever happens to the test, the server is killed and its directory removed
 * when the test process ends: at once on a normal exit, and by a small watchdog process when the
 * test process is killed (a test runner ending its workers with a signal runs no exit handler).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian installs PostgreSQL 15's programs. */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/** How to start the server. */
export interface PostgresOptions {
  /** Keep fsync and full-page writes on (power-loss durability). Default false. */
  durable?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string | number>;
}

/** A running test server. */
export interface TestPostgres {
  /** URL of the `postgres` database as the `postgres` superuser (no password: trust on loopback). */
  readonly url: string;
  readonly port: number;
  /** The data directory. */
  readonly dataDir: string;
  /**
   * Creates a database (a fresh name when none is given), copied from `template` when given, and
   * resolves with its URL.
   */
  createDatabase(name?: string, options?: { template?: string }): Promise<string>;
  /** Drops a database, ending its connections first. */
  dropDatabase(name: string): Promise<void>;
  /** Stops the server (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
  /** SIGKILLs the server and its backends, as a crash would; `restart` brings it back. */
  kill(): Promise<void>;
  /** Stops the server (fast shutdown, or nothing after `kill`) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server (fast shutdown) without starting it again; `restart` brings it back. */
  shutdown(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;
let databaseCounter = 0;

/** The uid and gid the server runs as: the `postgres` user when we are root, else ourselves. */
function serverUser(): { uid: number; gid: number } | null {
  if (!asRoot) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A free loopback port (the server may still lose it to a race; `start` then tries another). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The pids of `pid`'s children (the postmaster's backends), read from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Resolves when `child` has exited (at once when it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts PostgreSQL 15 in a fresh temporary directory on a free loopback port. */
export async function startPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const user = serverUser();
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  if (user) chownSync(dataDir, user.uid, user.gid);
  const spawnAs = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(join(POSTGRES_BIN, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    ...spawnAs,
    stdio: 'ignore',
    // initdb reads its working directory: root's home may be closed to the postgres user.
    cwd: dataDir,
  });

  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dataDir,
    max_connections: 200,
    ...(options.durable ? {} : { fsync: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  let child: ChildProcess | null = null;
  let port = 0;
  // Outside the data directory, which belongs to the server's user.
  const pidFile = `${dataDir}.pid`;

  /** Spawns the postmaster on `port` and resolves once it accepts connections. */
  const launch = async (): Promise<void> => {
    // The watchdog reads the postmaster's pid from here (it changes with each restart).
    writeFileSync(pidFile, '');
    const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
    const server = spawn(join(POSTGRES_BIN, 'postgres'), args, { ...spawnAs, cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'] });
    child = server;
    writeFileSync(pidFile, String(server.pid ?? ''));
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        if (log.includes('database system is ready to accept connections')) {
          server.stderr?.off('data', onData);
          // Keep draining the log so the server never blocks on a full pipe.
          server.stderr?.resume();
          resolve();
        }
      };
      server.stderr?.on('data', onData);
      server.once('exit', (code, signal) => reject(new Error(`postgres exited (${code ?? signal}) before it was ready:\n${log}`)));
    });
    // The log line comes just before the socket accepts: prove it with a real connection.
    const probe = new pg.Client({ connectionString: adminUrl() });
    await probe.connect();
    await probe.end();
  };

  const adminUrl = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${database}`;

  for (let attempt = 0; ; attempt += 1) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      // Another process took the port between the probe and the bind: try another one.
      if (attempt < 3 && String(error).includes('could not bind')) continue;
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(pidFile, { force: true });
      throw error;
    }
  }

  /** Backends SIGKILLed by the last `kill`, awaited before the server starts again. */
  const killed: number[] = [];
  const killNow = (): void => {
    const current = child;
    if (!current?.pid || current.exitCode !== null || current.signalCode !== null) return;
    const backends = childrenOf(current.pid);
    killed.push(...backends);
    current.kill('SIGKILL');
    // Orphaned backends would hold the shared memory and keep a restart from starting.
    for (const pid of backends) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  const onExit = (): void => {
    killNow();
    watchdog.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pidFile, { force: true });
  };
  process.once('exit', onExit);
  const watchdog = startWatchdog(pidFile, dataDir);

  /** Fast shutdown: active transactions roll back, the server writes a checkpoint and exits. */
  const shutdown = async (): Promise<void> => {
    const current = child;
    if (!current) return;
    current.kill('SIGINT');
    await exited(current);
  };

  const withAdmin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    get url() {
      return adminUrl();
    },
    get port() {
      return port;
    },
    dataDir,
    async createDatabase(name, createOptions = {}) {
      const database = name ?? `parley_${process.pid}_${(databaseCounter += 1)}`;
      const template = createOptions.template ? ` TEMPLATE ${pg.escapeIdentifier(createOptions.template)} STRATEGY FILE_COPY` : '';
      await withAdmin((client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}${template}`));
      return adminUrl(database);
    },
    async dropDatabase(name) {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
    async stop() {
      await shutdown();
      process.off('exit', onExit);
      watchdog.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(pidFile, { force: true });
    },
    async kill() {
      const current = child;
      killNow();
      if (current) await exited(current);
      await waitUntilGone(killed.splice(0));
    },
    async restart() {
      await shutdown();
      await launch();
    },
    shutdown,
  };
}

/**
 * A detached shell that waits for this process to end, then SIGKILLs the postmaster whose pid is
 * in `pidFile` (its backends follow it out) and removes the directory and the pid file. It checks
 * twice a second; `stop` and a normal exit kill it first.
 */
function startWatchdog(pidFile: string, dataDir: string): ChildProcess {
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done
    pid=$(cat '${pidFile}' 2>/dev/null)
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    rm -rf '${dataDir}' '${pidFile}'
  `;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

/** True while process `pid` runs (a zombie has released everything: it counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Resolves once every killed backend is gone, so a new postmaster finds the shared memory free.
 * They were sent SIGKILL, so this is a scheduler turn or two; the check is repeated until then.
 */
async function waitUntilGone(pids: readonly number[]): Promise<void> {
  while (pids.some(running)) await new Promise((resolve) => setTimeout(resolve, 5));
}
