// Two Parley relay nodes on one PostgreSQL and one Redis, behind a load balancer, all on this
// machine: `npm run build`, then `node examples/cluster/start.mjs`. Open the printed URL: the
// demo page and the console come through the load balancer, each connection landing on either
// node. Stop one node (its pid is printed) and watch its clients carry on on the other.
// Ctrl+C stops everything and removes the temporary directories.
//
// Needs Debian's `postgresql` and `redis-server` packages (or PG_BIN / REDIS_SERVER pointing at
// them). Everything listens on 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, startRedis, waitFor } from './servers.mjs';
import { startTcpProxy } from './tcp-proxy.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PORT = Number(process.env.PORT ?? 8080);
const ADMIN_PASSWORD = process.env.PARLEY_ADMIN_PASSWORD ?? 'cluster-demo-password';
const children = [];
const dirs = [];

function fail(message) {
  console.error(`cluster example: ${message}`);
  process.exit(1);
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

/** Stops the servers of `servers.mjs` (PostgreSQL, Redis). */
const stops = [];

/** Runs a relay node and keeps it for the cleanup. */
function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.push(child);
  return child;
}

function stopAll() {
  for (const stop of stops) void stop();
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
  const servers = await Promise.all([startPostgres(), startRedis()]);
  for (const server of servers) stops.push(server.stop);
  const [{ url: databaseUrl }, { url: redisUrl }] = servers;
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
