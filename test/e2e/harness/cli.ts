/**
 * The BUILT command-line tool, run against a test relay's data directory, as an operator runs
 * `npx parley ...` beside a running relay.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RELAY_BIN, ROOT } from './paths.js';
import type { RelayProcess } from './relay-process.js';

const run = promisify(execFile);

/** Runs `parley <args> --data-dir <the relay's>` and resolves with its standard output. */
export async function parleyCli(relay: RelayProcess, args: readonly string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('PARLEY_')) delete env[key];
  const { stdout } = await run(process.execPath, [RELAY_BIN, ...args, '--data-dir', relay.dataDir], { cwd: ROOT, env });
  return stdout;
}
