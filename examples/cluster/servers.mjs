// PostgreSQL and Redis on free loopback ports in temporary directories, for the cluster example
// and the bench: `startPostgres()` and `startRedis()` resolve with `{ url, stop() }` once the
// server accepts connections. Needs Debian's `postgresql` and `redis-server` (or PG_BIN and
// REDIS_SERVER pointing at them).
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const asRoot = process.getuid?.() === 0;

/** True when both servers can be started here. */
export function serversAvailable() {
  return existsSync(join(PG_BIN, 'postgres')) && existsSync(REDIS_SERVER);
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server process. */
function run(command, args) {
  return spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves once `line` matches something the child prints (stdout or stderr). */
export function waitFor(child, pattern, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s`)), 30_000);
    const look = (data) => {
      const match = pattern.exec(data.toString());
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/** A server that is up: where to reach it, and how to stop it (and remove its files). */
function running(url, child, dir) {
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        const done = () => {
          if (dir) rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** PostgreSQL 15 on a free loopback port, in a fresh directory (as the postgres user under root). */
export async function startPostgres() {
  if (!existsSync(join(PG_BIN, 'postgres'))) throw new Error(`no PostgreSQL in ${PG_BIN} (apt-get install postgresql, or set PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const port = await freePort();
  // PostgreSQL refuses to run as root: its files and processes belong to the postgres user then.
  const as = (binary, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args]);
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
  execFileSync(...as(join(PG_BIN, 'initdb'), ['-D', dir, '-A', 'trust', '-U', 'postgres']), { stdio: 'ignore' });
  const child = run(...as(join(PG_BIN, 'postgres'), ['-D', dir, '-k', dir, '-p', String(port), '-h', '127.0.0.1']));
  await waitFor(child, /ready to accept connections/, 'PostgreSQL');
  return running(`postgres://postgres@127.0.0.1:${port}/postgres`, child, dir);
}

/** redis-server on a free loopback port, keeping nothing on disk. */
export async function startRedis() {
  if (!existsSync(REDIS_SERVER)) throw new Error(`no redis-server at ${REDIS_SERVER} (apt-get install redis-server, or set REDIS_SERVER)`);
  const port = await freePort();
  const child = run(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitFor(child, /Ready to accept connections/, 'Redis');
  return running(`redis://127.0.0.1:${port}`, child, null);
}
