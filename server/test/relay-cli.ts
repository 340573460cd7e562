/**
 * The BUILT relay as a child process (`bin/parley.js start`, as `npm test` built it), for the
 * tests that kill, drain or cluster real processes. Rebuilding it here would swap `server/dist`
 * under the end-to-end relays starting from it at the same time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** A running `parley start`. */
export interface RelayCli {
  process: ChildProcess;
  /** `http://127.0.0.1:PORT`, from its listening line. */
  url: string;
  /** Resolves once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote on stderr so far, line by line (when piped), for a failing test's message. */
  log: string[];
}

/** Refuses to run against a relay that was not built. */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'server', 'dist', 'cli.js'))) {
    throw new Error('The relay is not built (server/dist/cli.js): run `npm run build` first (`npm test` does).');
  }
}

/**
 * Runs `parley start` with `args` (on 127.0.0.1) and resolves once it prints its listening line;
 * rejects if it exits first. Its stderr is piped (for the caller to read) unless `stderr` says
 * otherwise.
 */
export function spawnRelayCli(
  args: string[],
  options: { env?: Record<string, string>; stderr?: 'pipe' | 'inherit' | 'ignore' } = {},
): Promise<RelayCli> {
  assertBuilt();
  const child = spawn(process.execPath, [join(ROOT, 'server', 'bin', 'parley.js'), 'start', '--host', '127.0.0.1', ...args], {
    stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const log: string[] = [];
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
  return new Promise((resolveCli, reject) => {
    void exited.then(({ code, signal }) => reject(new Error(`the relay exited with ${code ?? signal} before listening:\n${log.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Parley relay listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolveCli({ process: child, url: match[1]!, exited, log });
    });
  });
}
