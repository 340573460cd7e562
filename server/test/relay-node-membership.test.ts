/**
 * A relay node's life as the other nodes see it on a real Redis: the BUILT relay
 * (`bin/parley.js start`, made by `npm run build`) runs as a child process with a node id, and
 * a bus in the test process watches. Stopped with SIGTERM it says goodbye; killed with SIGKILL
 * it falls silent and is declared down once its heartbeats are overdue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEAD_AFTER_MS } from '../src/bus/bus.js';
import { WAIT_MS, when } from '../src/bus/bus.contract.js';
import { openRedisBus, type RedisBus } from '../src/bus/redis-bus.js';
import { startRedis, type RedisServer } from './servers/redis.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

describe('a relay node on a Redis bus', () => {
  let redis: RedisServer;
  let watcher: RedisBus;
  const children = new Set<ChildProcess>();
  const prefix = `membership-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    redis = await startRedis();
    watcher = await openRedisBus({ url: redis.url, prefix, nodeId: 'watcher' });
  });
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
  });
  afterAll(async () => {
    await watcher?.close();
    await redis?.stop();
  });

  /**
   * Starts the built relay as node `nodeId`; resolves once the watcher saw it join and it
   * answered an HTTP request after saying it listens: its signal handlers, installed right after
   * that line in the same turn of its event loop, are in place by then.
   */
  async function startNode(nodeId: string): Promise<ChildProcess> {
    const seen = when((wake) => watcher.onNodeUp(wake), () => watcher.nodes().includes(nodeId), `${nodeId} up`);
    const child = spawn(
      process.execPath,
      [join(ROOT, 'server', 'bin', 'parley.js'), 'start', '--port', '0', '--host', '127.0.0.1', '--storage', 'memory', '--log-level', 'error', '--secret', 'membership-test-secret'],
      {
        cwd: tmpdir(),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PARLEY_REDIS_URL: redis.url, PARLEY_REDIS_PREFIX: prefix, PARLEY_NODE_ID: nodeId },
      },
    );
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const listening = new Promise<string>((resolveListening) => {
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const url = /listening on (\S+)/.exec(stdout)?.[1];
        if (url !== undefined) resolveListening(url);
      });
    }).then((url) => fetch(url).then((response) => void response.body?.cancel()));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`relay exited (${code}): ${stderr}`))));
    await Promise.race([Promise.all([seen, listening]), exited]);
    return child;
  }

  function downAt(nodeId: string): Promise<number> {
    return when((wake) => watcher.onNodeDown(wake), () => !watcher.nodes().includes(nodeId), `${nodeId} down`).then(() => Date.now());
  }

  it('says goodbye when stopped with SIGTERM: the others see it down at once', async () => {
    const child = await startNode('relay-term');
    const down = downAt('relay-term');
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    // Well before its heartbeats could be overdue: only the goodbye explains it.
    expect((await down) - stoppedAt).toBeLessThan(DEFAULT_DEAD_AFTER_MS);
  });

  it('is declared down once its heartbeats are overdue after SIGKILL', async () => {
    const child = await startNode('relay-kill');
    const down = downAt('relay-kill');
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const elapsed = (await down) - killedAt;
    // No goodbye: the watcher waited for the silence to last the dead-after period.
    expect(elapsed).toBeGreaterThanOrEqual(DEFAULT_DEAD_AFTER_MS - 1_000);
    expect(elapsed).toBeLessThan(WAIT_MS);
  });
});
