// Two Parley relay nodes on one PostgreSQL and one Redis, behind a load balancer, all on this
// machine: `npm run build`, then `node examples/cluster/start.mjs`. Open the printed URL: the
// demo page and the console come through the load balancer, each connection landing on either
// node. Stop one node (its pid is printed) and watch its clients carry on on the other.
// Ctrl+C stops everything and removes the temporary directories.
//
// Needs Debian's `postgresql` and `redis-server` packages (or PG_BIN / REDIS_SERVER pointing at
// them). Everything listens on 127.0.0.1 only.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTcpProxy } from './tcp-proxy.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const PORT = Number(process.env.PORT ?? 8080);
const ADMIN_PASSWORD = process.env.PARLEY_ADMIN_PASSWORD ?? 'cluster-demo-password';
const asRoot = process.getuid?.() === 0;
const children = [];
const dirs = [];

function fail(message) {
  console.error(`cluster example: ${message}`);
  process.exit(1);
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a server process and keeps it for the cleanup. */
function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.push(child);
  return child;
}

/** Resolves once `line` matches something the child prints (stdout or stderr). */
function waitFor(child, pattern, what) {
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

async function startPostgres() {
  if (!existsSync(join(PG_BIN, 'postgres'))) fail(`no PostgreSQL in ${PG_BIN} (apt-get install postgresql, or set PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-pg-'));
  dirs.push(dir);
  const port = await freePort();
  // PostgreSQL refuses to run as root: its files and processes belong to the postgres user then.
  const as = (binary, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args]);
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
  execFileSync(...as(join(PG_BIN, 'initdb'), ['-D', dir, '-A', 'trust', '-U', 'postgres']), { stdio: 'ignore' });
  const child = run(...as(join(PG_BIN, 'postgres'), ['-D', dir, '-k', dir, '-p', String(port), '-h', '127.0.0.1']));
  await waitFor(child, /ready to accept connections/, 'PostgreSQL');
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

async function startRedis() {
  if (!existsSync(REDIS_SERVER)) fail(`no redis-server at ${REDIS_SERVER} (apt-get install redis-server, or set REDIS_SERVER)`);
  const port = await freePort();
  const child = run(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitFor(child, /Ready to accept connections/, 'Redis');
  return `redis://127.0.0.1:${port}`;
}

async function startNode(name, env) {
  const dataDir = mkdtempSync(join(tmpdir(), `parley-cluster-${name}-`));
  dirs.push(dataDir);
  const child = run(process.execPath, [join(root, 'server/bin/parley.js'), 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...env, PARLEY_NODE_ID: name },
  });
  const [, url] = await waitFor(child, /Parley relay listening on (http:\/\/\S+)/, name);
  return { name, url, port: Number(new URL(url).port), pid: child.pid };
}

function stopAll() {
  for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, 3_000).unref();
}

process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

if (!existsSync(join(root, 'server/dist/cli.js'))) fail('the relay is not built: run `npm run build` first');
try {
  const [databaseUrl, redisUrl] = await Promise.all([startPostgres(), startRedis()]);
  const proxy = await startTcpProxy([], { port: PORT });
  const env = {
    PARLEY_DATABASE_URL: databaseUrl,
    PARLEY_REDIS_URL: redisUrl,
    // Every node signs and checks tokens with the same secret, and is reached at the same address.
    PARLEY_SECRET: process.env.PARLEY_SECRET ?? 'cluster-example-secret-change-me',
    PARLEY_PUBLIC_URL: proxy.url,
    PARLEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  // One after the other: the first start creates the demo site and the admin in the database.
  const a = await startNode('node-a', env);
  const b = await startNode('node-b', env);
  proxy.setBackends([a, b].map((node) => ({ host: '127.0.0.1', port: node.port })));
  console.log(`
Parley cluster: two relay nodes on PostgreSQL and Redis behind a load balancer.

  Open          ${proxy.url}/            (demo page; the console is at ${proxy.url}/console/)
  Admin         admin@localhost / ${ADMIN_PASSWORD}
  node-a        ${a.url}   pid ${a.pid}
  node-b        ${b.url}   pid ${b.pid}
  PostgreSQL    ${databaseUrl}
  Redis         ${redisUrl}

Try: chat from the demo page, answer in the console, then \`kill -9 ${a.pid}\`: both carry on through
node-b. Ctrl+C stops everything.`);
} catch (error) {
  console.error(`cluster example: ${error instanceof Error ? error.message : String(error)}`);
  stopAll();
}
