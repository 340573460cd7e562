/**
 * The `parley` command: `parley start` runs the relay, `parley agent ...` manages agent
 * accounts, `parley site ...` the sites that embed the widget, `parley help` explains them all
 * and `--help` after any command explains that one. Settings come from flags and environment
 * variables (see `options.ts`); the store-editing commands live in `cli/`, one file per group.
 */
import { RedisBusError } from './bus/redis-bus-error.js';
import { AGENT_COMMANDS, runAgentCommand } from './cli/agent-commands.js';
import { processIo, type CliEnv, type CliIo } from './cli/cli-io.js';
import { groupUsage, wantsHelp } from './cli/command-spec.js';
import { NoInstallationError } from './cli/command-store.js';
import { SITE_COMMANDS, runSiteCommand } from './cli/site-commands.js';
import { startRelay, type Relay } from './index.js';
import { LIMIT_SETTINGS, OptionsError, SETTINGS, parseOptions } from './options.js';
import { DataDirError } from './storage/data-dir.js';
import { isDatabaseConnectionError } from './storage/pg-errors.js';
import { RELAY_VERSION } from './version.js';

export type { CliIo } from './cli/cli-io.js';

/** The settings every command reads, as help lines. */
function settingsLines(): string[] {
  const rows = [...SETTINGS.map((s) => [`--${s.flag}`, s.env]), ...LIMIT_SETTINGS.map((s) => [`--${s.flag}`, s.env])];
  return ['Settings (a flag beats its environment variable):', ...rows.map(([flag, env]) => `  ${flag!.padEnd(26)} ${env}`)];
}

/** The help of `parley start`. */
export function startHelpText(): string {
  return [
    'Usage: parley start [flags]',
    '',
    'Runs the relay (HTTP and WebSocket on one port). The first start in a data directory creates',
    'the installation there: the database, the relay secret, the demo site and an admin account.',
    '',
    ...settingsLines(),
  ].join('\n');
}

/** The help text. */
export function helpText(): string {
  return [
    `parley ${RELAY_VERSION}: the Parley relay`,
    '',
    'Usage:',
    '  parley start [flags]',
    '      Runs the relay (HTTP and WebSocket on one port); creates the installation on first start.',
    ...groupUsage(AGENT_COMMANDS),
    ...groupUsage(SITE_COMMANDS),
    '  parley help',
    '      Shows this text; parley <command> --help shows one command\'s.',
    '',
    'The agent and site commands change an existing installation: --data-dir DIR (or',
    'PARLEY_DATA_DIR; default ./data) names it, or --database-url URL (PARLEY_DATABASE_URL) when it',
    'is on PostgreSQL; --storage and --public-url mean what they mean to parley start.',
    '',
    ...settingsLines(),
  ].join('\n');
}

/**
 * `parley start`: runs until SIGTERM or SIGINT, then drains (see `Relay.drain`: clients are sent
 * to reconnect elsewhere once what they sent is acknowledged) and exits 0.
 */
async function start(argv: string[], env: CliEnv, io: CliIo): Promise<number> {
  const options = parseOptions(argv, env);
  // Listening first and catching signals after would let a SIGTERM sent during start-up, or just
  // after the listening line, kill the process the default way: no drain, writes cut short.
  const stopRequested = stopSignal();
  let relay: Relay;
  try {
    relay = await startRelay(options);
  } catch (error) {
    stopRequested.dispose();
    throw error;
  }
  io.out(`Parley relay listening on ${relay.url}`);
  io.out(`Console: ${relay.publicOrigin}/console/`);
  io.out(`Demo page: ${relay.publicOrigin}/`);
  if (relay.created.adminPassword) {
    io.out(`Admin account: ${options.adminEmail} / ${relay.created.adminPassword} (shown once; set PARLEY_ADMIN_PASSWORD to choose it)`);
  }
  if (relay.created.demoSiteSecret) {
    io.out(`Demo site "${relay.demoSite.key}" identity secret: ${relay.created.demoSiteSecret} (shown once)`);
  }
  await stopRequested.received;
  await relay.drain();
  return 0;
}

/**
 * Resolves on the first SIGTERM or SIGINT from the moment it is called; `dispose` stops listening.
 * The handlers go with the first signal, so a second one ends the process at once (the way out
 * of a drain, or of a start-up that hangs, for an operator who cannot wait).
 */
function stopSignal(): { received: Promise<void>; dispose(): void } {
  let stop!: () => void;
  const received = new Promise<void>((resolve) => {
    stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { received, dispose: stop };
}

/** Runs the command line; resolves with the exit code. */
export async function runCli(argv: string[], env: CliEnv = process.env, io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'start') {
      if (!wantsHelp(rest)) return await start(rest, env, io);
      io.out(startHelpText());
      return 0;
    }
    if (command === 'agent') return await runAgentCommand(rest, env, io);
    if (command === 'site') return await runSiteCommand(rest, env, io);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(helpText());
      return 0;
    }
    io.err(`Unknown command: ${argv.join(' ')}\n\n${helpText()}`);
    return 2;
  } catch (error) {
    if (error instanceof OptionsError) {
      io.err(`parley: ${error.message}`);
      return 2;
    }
    // What the operator must fix outside Parley: one line (or two) naming the path, no stack.
    if (error instanceof DataDirError || error instanceof NoInstallationError || error instanceof RedisBusError || isDatabaseConnectionError(error)) {
      io.err(`parley: ${error.message}`);
      return 1;
    }
    io.err(`parley: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

/** Entry point of `bin/parley.js`. */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2));
}
