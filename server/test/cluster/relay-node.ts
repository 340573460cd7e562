/**
 * One relay node as a real process for cluster tests: the BUILT relay (`bin/parley.js start`,
 * as `npm test` built it) with its own data directory, started with the settings given (a
 * database URL, a Redis URL), killed for real (SIGKILL) or drained (SIGTERM).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD } from '../relay-harness.js';
import { spawnRelayCli } from '../relay-cli.js';

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

/** Starts a node and resolves once it printed its listening line. */
export async function startNode(options: NodeOptions): Promise<RelayNode> {
  const dataDir = await mkdtemp(join(tmpdir(), `parley-${options.name}-`));
  const args = ['--port', String(options.port ?? 0), '--data-dir', dataDir, '--secret', CLUSTER_SECRET, '--admin-password', ADMIN_PASSWORD];
  const cli = await spawnRelayCli([...args, '--log-level', 'info', ...(options.args ?? [])], options.env ? { env: options.env } : {}).catch(
    async (error: unknown) => {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`node ${options.name}: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  const child = cli.process;
  const log = cli.log;
  const exited = cli.exited.then(({ code, signal }) => code ?? signal ?? 'unknown');
  void exited.then(() => rm(dataDir, { recursive: true, force: true }));
  const url = cli.url;
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
