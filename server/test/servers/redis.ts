/**
 * A real `redis-server` for tests: a free loopback port, a temporary directory, no persistence.
 * Ready once it answers PING on its port (found by reading its own "ready" line, then checked
 * by connecting). `kill()` is SIGKILL, as a crashed Redis; `restart()` brings it back on the
 * same port, as an operator would. Whatever a test does, the process and the directory go when
 * `stop()` runs or, at the latest, when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running (or killed, to be restarted) redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Shuts it down for good and removes its directory. */
  stop(): Promise<void>;
  /** SIGKILL: the server vanishes without closing anything cleanly. Resolves once it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`), resolving once it answers. */
  restart(): Promise<void>;
}

const REDIS_SERVER = process.env.PARLEY_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';
/** Generous: a loaded 2-core CI machine starts processes slowly. */
const START_TIMEOUT_MS = 20_000;

/** Every child still alive and every directory not yet removed, cleaned up when the test process exits however it exits. */
const alive = new Set<ChildProcess>();
const dirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of alive) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** A port free on loopback right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server on `port` answers PING (with PONG, or by asking for the password it was given). */
function ping(port: number, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(password === undefined ? reply.startsWith('+PONG') : reply.startsWith('-NOAUTH'));
      }
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts redis-server on `port` in `dir`; resolves with the child once it answers, rejects if it exits first. */
function launch(port: number, dir: string, password: string | undefined): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'];
  if (password !== undefined) args.push('--requirepass', password);
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not become ready within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? new Error(`no redis-server at ${REDIS_SERVER} (Debian: apt-get install -y redis-server)`) : error),
    );
    child.once('exit', (code, signal) => fail(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`)));
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      child.stdout!.off('data', onOutput);
      // Keep draining its log, so a full pipe never blocks the server.
      child.stdout!.resume();
      void ping(port, password).then((ok) => {
        if (!ok) return fail(new Error(`redis-server said it was ready but did not answer PING:\n${output}`));
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => alive.delete(child));
        resolve(child);
      });
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** What the server requires of its clients. */
export interface RedisServerOptions {
  /** `requirepass`: clients must authenticate (`redis://:<password>@...`). */
  password?: string;
}

/** Starts a fresh redis-server on a free loopback port. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const { password } = options;
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  dirs.add(dir);
  let child: ChildProcess | null = null;
  let port = 0;
  try {
    // A port found free can be taken before redis-server binds it: try another.
    for (let attempt = 0; child === null; attempt++) {
      port = await freePort();
      try {
        child = await launch(port, dir, password);
      } catch (error) {
        if (attempt >= 4 || !String(error).includes('Address already in use')) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    dirs.delete(dir);
    throw error;
  }

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = null;
    if (running === null) return;
    running.kill(signal);
    await exited(running);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGTERM');
      child = await launch(port, dir, password);
    },
  };
}
