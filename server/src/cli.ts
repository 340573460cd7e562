/**
 * The `parley` command: `parley start` runs the relay, `parley agent add` creates an agent
 * account, `parley site ...` manages the sites that embed the widget, `parley help` explains
 * them all. Settings come from flags and environment variables (see `options.ts`); the
 * store-editing commands live in `cli/`, one file per command group.
 */
import { agentAdd } from './cli/agent-commands.js';
import { agentSites } from './cli/agent-site-commands.js';
import { processIo, type CliEnv, type CliIo } from './cli/cli-io.js';
import { runSiteCommand } from './cli/site-commands.js';
import { startRelay } from './index.js';
import { LIMIT_SETTINGS, OptionsError, SETTINGS, parseOptions } from './options.js';
import { RELAY_VERSION } from './version.js';

export type { CliIo } from './cli/cli-io.js';

/** The help text. */
export function helpText(): string {
  const rows = [...SETTINGS.map((s) => [`--${s.flag}`, s.env]), ...LIMIT_SETTINGS.map((s) => [`--${s.flag}`, s.env])];
  return [
    `parley ${RELAY_VERSION}: the Parley relay`,
    '',
    'Usage:',
    '  parley start [flags]         run the relay (HTTP and WebSocket on one port)',
    '  parley agent add --email E --name N --role agent|supervisor|admin [--password P] [--sites KEY,KEY] [flags]',
    '                               add an agent account (prints a generated password when none is given);',
    '                               with several sites, --sites names the agent\'s (one site: it joins that one)',
    '  parley agent sites EMAIL [--add KEY,KEY] [--remove KEY,KEY] [flags]',
    '                               show or change the sites an agent or supervisor sees (admins see every site)',
    '  parley site add --name N --origins https://shop.example,https://*.shop.example [--key K] [flags]',
    '                               add a site; prints its key, its identity secret (once) and the script tag',
    '  parley site list [flags]     list sites: key, name, allowed origins',
    '  parley site origins --key K [--add O,O] [--remove O,O] [flags]',
    '                               change the origins allowed to embed a site',
    '  parley site rotate-secret --key K [flags]',
    '                               replace a site\'s identity secret (prints the new one once)',
    '  parley help                  show this text',
    '',
    'Origins are scheme://host[:port], with a * port (http://localhost:*) or a *. first label',
    '(https://*.shop.example). The commands above take --data-dir, --storage and --public-url too.',
    '',
    'Settings (a flag beats its environment variable):',
    ...rows.map(([flag, env]) => `  ${flag!.padEnd(26)} ${env}`),
  ].join('\n');
}

/** `parley start`: runs until SIGINT or SIGTERM, then closes gracefully. */
async function start(argv: string[], env: CliEnv, io: CliIo): Promise<number> {
  const options = parseOptions(argv, env);
  const relay = await startRelay(options);
  io.out(`Parley relay listening on ${relay.url}`);
  io.out(`Console: ${relay.publicOrigin}/console/`);
  io.out(`Demo page: ${relay.publicOrigin}/`);
  if (relay.created.adminPassword) {
    io.out(`Admin account: ${options.adminEmail} / ${relay.created.adminPassword} (shown once; set PARLEY_ADMIN_PASSWORD to choose it)`);
  }
  if (relay.created.demoSiteSecret) {
    io.out(`Demo site "${relay.demoSite.key}" identity secret: ${relay.created.demoSiteSecret} (shown once)`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await relay.close();
  return 0;
}

/** Runs the command line; resolves with the exit code. */
export async function runCli(argv: string[], env: CliEnv = process.env, io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'start') return await start(rest, env, io);
    if (command === 'agent' && rest[0] === 'add') return await agentAdd(rest.slice(1), env, io);
    if (command === 'agent' && rest[0] === 'sites') return await agentSites(rest.slice(1), env, io);
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
    io.err(`parley: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

/** Entry point of `bin/parley.js`. */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2));
}
