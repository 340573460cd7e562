/**
 * `parley start` as an operator's tooling meets it: a SIGTERM that comes while the relay is
 * still starting (or right after its listening line) drains it and exits 0 instead of killing
 * it, and a relay that cannot accept for a moment (a reconnect storm, a pause) still completes
 * every connection the kernel queued for it. Runs the BUILT relay (`bin/parley.js`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, spawnRelayCli, type RelayCli } from './relay-cli.js';
import { startRedis, type RedisServer } from './servers/redis.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

describe('parley start and signals', () => {
  let dataDir: string;
  /** A relay a test left running (stopped, even, if it failed while the relay was paused). */
  let running: RelayCli | null = null;

  afterEach(async () => {
    const cli = running;
    running = null;
    if (!cli || cli.process.exitCode !== null || cli.process.signalCode !== null) return;
    cli.process.kill('SIGKILL');
    await cli.exited;
  });

  beforeAll(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'parley-start-signals-'));
  });

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('drains and exits 0 on a SIGTERM that arrives while it is still starting', async () => {
    // The relay's start-up connects to its bus; a proxy in front of a real Redis tells the test
    // that start-up is under way (the relay is running, not yet listening) and holds it there
    // until the signal is sent.
    const redis: RedisServer = await startRedis();
    const sockets = new Set<Socket>();
    let child: ReturnType<typeof spawn> | null = null;
    let signalled = false;
    const proxy: Server = createServer((client) => {
      sockets.add(client);
      if (!signalled) {
        signalled = true;
        child!.kill('SIGTERM');
      }
      const upstream = createConnection(redis.port, '127.0.0.1');
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const proxyPort = (proxy.address() as { port: number }).port;
    try {
      child = spawn(
        process.execPath,
        [join(ROOT, 'server', 'bin', 'parley.js'), 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--admin-password', 'start-signals-password', '--secret', 'start-signals-secret-start-signals-secret', '--redis-url', `redis://127.0.0.1:${proxyPort}`],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const out: string[] = [];
      createInterface({ input: child.stdout! }).on('line', (line) => out.push(line));
      const err: string[] = [];
      createInterface({ input: child.stderr! }).on('line', (line) => err.push(line));
      const exited = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child!.once('exit', (code, signal) => done({ code, signal })));
      expect(signalled).toBe(true);
      expect({ ...exited, err: err.join('\n') }).toEqual({ code: 0, signal: null, err: expect.any(String) });
      // It did start, then drained: the listening line was printed before the exit.
      expect(out.some((line) => line.startsWith('Parley relay listening on '))).toBe(true);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => proxy.close(() => done()));
      await redis.stop();
    }
  }, 60_000);

  it('completes every connection queued while it cannot accept, far beyond the old backlog of 511', async () => {
    const cli = await spawnRelayCli(['--port', '0', '--data-dir', dataDir, '--admin-password', 'start-signals-password']);
    running = cli;
    const port = Number(new URL(cli.url).port);
    // What the kernel allows at most (net.core.somaxconn); the relay asks for 4096.
    const allowed = Number((await readFile('/proc/sys/net/core/somaxconn', 'utf8')).trim());
    const count = Math.min(1_000, allowed - 16);
    const sockets: Socket[] = [];
    try {
      // Stopped, the relay accepts nothing: only the kernel's queue holds these connections.
      cli.process.kill('SIGSTOP');
      await Promise.all(
        Array.from({ length: count }, () => new Promise<void>((connected, failed) => {
          const socket = createConnection(port, '127.0.0.1');
          sockets.push(socket);
          socket.once('connect', () => connected());
          socket.once('error', failed);
        })),
      );
      expect(sockets).toHaveLength(count);
    } finally {
      for (const socket of sockets) socket.destroy();
      cli.process.kill('SIGCONT');
    }
    cli.process.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
