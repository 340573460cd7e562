/**
 * One relay node as a real process for cluster tests: the BUILT relay (`bin/parley.js start`,
 * as `npm test` built it) with its own data directory, started with the settings given (a
 * database URL, a Redis URL), killed for real (SIGKILL) or drained (SIGTERM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD } from '../relay-harness.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

/** The token secret every node of a test cluster shares (a real cluster sets `PARLEY_SECRET`). */
export const CLUSTER_SECRET = 'cluster-test-secret-0123456789abcdef';

/** A running relay node. */
export interface RelayNode {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** What the node wrote on stderr (its log), for a failing test's message. */
  readonly log: string[];
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** SIGKILL: no drain, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM: the node drains and exits on its own. */
  terminate(): Promise<number | string>;
}

/** What a node is started with. */
export interface NodeOptions {
  name: string;
  /** Extra settings as environment variables (`PARLEY_DATABASE_URL`, `PARLEY_REDIS_URL`, ...). */
  env?: Record<string, string>;
  /** Extra command-line flags. */
  args?: string[];
  /** Reuse a port (a node restarted where the proxy expects it); default a free one. */
  port?: number;
}

/** Refuses to run against a relay that was not built. */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'server', 'dist', 'cli.js'))) {
    throw new Error('The relay is not built (server/dist/cli.js): run `npm run build` first (`npm test` does).');
  }
}

/** Starts a node and resolves once it printed its listening line. */
export async function startNode(options: NodeOptions): Promise<RelayNode> {
  assertBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), `parley-${options.name}-`));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'server', 'bin', 'parley.js'),
      'start',
      '--port', String(options.port ?? 0),
      '--host', '127.0.0.1',
      '--data-dir', dataDir,
      '--secret', CLUSTER_SECRET,
      '--admin-password', ADMIN_PASSWORD,
      '--log-level', 'info',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  const log: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => log.push(line));
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  void exited.then(() => rm(dataDir, { recursive: true, force: true }));

  const url = await new Promise<string>((resolveUrl, reject) => {
    void exited.then((code) => reject(new Error(`node ${options.name} exited with ${code} before listening:\n${log.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Parley relay listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolveUrl(match[1]!);
    });
  });
  return {
    name: options.name,
    url,
    port: Number(new URL(url).port),
    process: child,
    log,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
