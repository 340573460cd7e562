/**
 * How `parley` command groups (`agent ...`, `site ...`) are described and dispatched: each
 * command carries its own usage line and summary, so `parley site add --help` prints exactly
 * that command's usage and `parley help` lists them all from the same text.
 */
import { OptionsError } from '../options.js';
import type { CliEnv, CliIo } from './cli-io.js';

/** One command of a group. */
export interface CommandSpec {
  /** Its usage after `parley`, e.g. `site remove KEY [--yes] [flags]`. */
  usage: string;
  /** What it does, in one or two lines. */
  summary: string;
  /** Runs it with the arguments after its name; resolves with the exit code. */
  run(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number>;
}

/** The relay settings every store-editing command takes, told once in each usage. */
export const STORE_FLAGS_NOTE =
  'Flags: --data-dir DIR (or PARLEY_DATA_DIR; default ./data, from the current directory) names the\n' +
  'installation; --storage and --public-url mean what they mean to parley start.';

/** True when the arguments ask for help rather than an action. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** The help of one command. */
export function commandHelp(spec: CommandSpec): string {
  return [`Usage: parley ${spec.usage}`, '', spec.summary, '', STORE_FLAGS_NOTE].join('\n');
}

/** The usage lines of a group, for `parley help` and `parley <group> --help`. */
export function groupUsage(commands: Readonly<Record<string, CommandSpec>>): string[] {
  return Object.values(commands).flatMap((spec) => [`  parley ${spec.usage}`, ...spec.summary.split('\n').map((line) => `      ${line}`)]);
}

/**
 * Runs `parley <group> <name> ...`: the named command, or its help when asked, or the group's
 * usage for `parley <group> --help`. An unknown name is an `OptionsError` naming the valid ones.
 */
export async function runCommandGroup(
  group: string,
  commands: Readonly<Record<string, CommandSpec>>,
  argv: readonly string[],
  env: CliEnv,
  io: CliIo,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out([`Usage:`, ...groupUsage(commands), '', STORE_FLAGS_NOTE].join('\n'));
    return name === undefined ? 2 : 0;
  }
  const spec = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!spec) throw new OptionsError(`unknown ${group} command ${name}; use one of: ${Object.keys(commands).join(', ')} (see parley ${group} --help)`);
  if (wantsHelp(rest)) {
    io.out(commandHelp(spec));
    return 0;
  }
  return spec.run(rest, env, io);
}
