/**
 * The `parley` command: `parley start` runs the relay, `parley agent add` creates an agent
 * account, `parley help` explains both. Settings come from flags and environment variables
 * (see `options.ts`).
 */
import { nanoid } from 'nanoid';
import { ROLES, type Role } from '@parley/protocol';
import { hashPassword } from './auth/password.js';
import { generateSecret } from './bootstrap.js';
import { startRelay } from './index.js';
import { LIMIT_SETTINGS, OptionsError, SETTINGS, parseOptions, readFlags } from './options.js';
import { openStorage } from './storage/open-storage.js';
import { isStorageError } from './storage/storage-error.js';
import { RELAY_VERSION } from './version.js';

type Env = Record<string, string | undefined>;

/** Where the command writes; a parameter so tests can capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The help text. */
export function helpText(): string {
  const rows = [...SETTINGS.map((s) => [`--${s.flag}`, s.env]), ...LIMIT_SETTINGS.map((s) => [`--${s.flag}`, s.env])];
  return [
    `parley ${RELAY_VERSION}: the Parley relay`,
    '',
    'Usage:',
    '  parley start [flags]         run the relay (HTTP and WebSocket on one port)',
    '  parley agent add --email E --name N --role agent|supervisor|admin [--password P] [flags]',
    '                               add an agent account (prints a generated password when none is given)',
    '  parley help                  show this text',
    '',
    'Settings (a flag beats its environment variable):',
    ...rows.map(([flag, env]) => `  ${flag!.padEnd(26)} ${env}`),
  ].join('\n');
}

/** `parley start`: runs until SIGINT or SIGTERM, then closes gracefully. */
async function start(argv: string[], env: Env, io: CliIo): Promise<number> {
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

/** `parley agent add`. */
async function agentAdd(argv: string[], env: Env, io: CliIo): Promise<number> {
  const { flags } = readFlags(argv);
  const take = (name: string): string | undefined => {
    const value = flags.get(name);
    flags.delete(name);
    return value;
  };
  const email = take('email');
  const name = take('name');
  const role = take('role') ?? 'agent';
  const given = take('password');
  if (!email || !name) throw new OptionsError('agent add needs --email and --name');
  if (!(ROLES as readonly string[]).includes(role)) throw new OptionsError(`--role must be one of ${ROLES.join(', ')}`);
  const rest = [...flags].flatMap(([flag, value]) => [`--${flag}`, value]);
  const options = parseOptions(rest, env);
  if (options.storage === 'memory') throw new OptionsError('agent add needs a durable store (PARLEY_STORAGE=sqlite)');

  const storage = await openStorage({ kind: options.storage, dataDir: options.dataDir, synchronous: options.synchronous });
  try {
    const password = given ?? generateSecret(12);
    await storage.createAgent({
      id: nanoid(),
      email,
      name,
      role: role as Role,
      passwordHash: await hashPassword(password),
      createdAt: Date.now(),
    });
    io.out(`Added ${role} ${name} <${email}>${given ? '' : ` with password ${password} (shown once)`}`);
    return 0;
  } catch (error) {
    if (isStorageError(error, 'conflict')) {
      io.err(`An agent with email ${email} already exists.`);
      return 1;
    }
    throw error;
  } finally {
    await storage.close();
  }
}

/** Runs the command line; resolves with the exit code. */
export async function runCli(argv: string[], env: Env = process.env, io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'start') return await start(rest, env, io);
    if (command === 'agent' && rest[0] === 'add') return await agentAdd(rest.slice(1), env, io);
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
