/**
 * What the store-editing commands (`agent add`, `site ...`) share: their own flags are taken
 * out first, every other flag and environment variable is read as a relay setting (so
 * `--data-dir`, `--storage`, `--database-url` and `--public-url` mean what they mean to
 * `parley start`), and the store is opened the way the relay opens it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OptionsError, parseOptions, readFlags, type RelayOptions } from '../options.js';
import { openStorage } from '../storage/open-storage.js';
import { DATABASE_FILE } from '../storage/open-sqlite-database.js';
import type { Storage } from '../storage/storage.js';
import type { CliEnv } from './cli-io.js';

/** A command's arguments: its own flags are taken one by one, the rest are relay settings. */
export class CommandFlags {
  readonly #flags: Map<string, string>;
  readonly #positional: string[];
  readonly #switches: Set<string>;

  /**
   * @param switches the command's flags that take no value (`--yes`): relay settings all take
   *   one, so these are taken out before the rest is read.
   */
  constructor(argv: readonly string[], switches: readonly string[] = []) {
    const named = new Set(switches.map((name) => `--${name}`));
    const { flags, rest } = readFlags(argv.filter((arg) => !named.has(arg)));
    this.#flags = flags;
    this.#positional = rest;
    this.#switches = new Set(argv.filter((arg) => named.has(arg)).map((arg) => arg.slice(2)));
  }

  /** True when the command's switch `name` was given. */
  has(name: string): boolean {
    return this.#switches.has(name);
  }

  /** Removes and returns the first positional argument (`site remove KEY`). */
  takePositional(): string | undefined {
    return this.#positional.shift();
  }

  /** Removes and returns one of the command's own flags. */
  take(name: string): string | undefined {
    const value = this.#flags.get(name);
    this.#flags.delete(name);
    return value;
  }

  /**
   * Everything not taken, as arguments for `parseOptions`. Positional arguments are kept so
   * that `parseOptions` refuses them rather than a stray word being silently ignored.
   */
  remaining(): string[] {
    return [...[...this.#flags].flatMap(([flag, value]) => [`--${flag}`, value]), ...this.#positional];
  }
}

/** A command's open store and the relay settings it was opened with. */
export interface CommandStore {
  storage: Storage;
  options: RelayOptions;
}

/**
 * Thrown when a command that reads or changes an installation finds no database where it
 * looked: answering from a new, empty one ("No sites yet") would mislead the operator.
 */
export class NoInstallationError extends Error {
  constructor(dataDir: string, fromFlag: boolean) {
    const where = fromFlag ? dataDir : `${dataDir} (the default ./data, from the current directory)`;
    super(
      `no Parley database in ${where}: ${join(dataDir, DATABASE_FILE)} does not exist.\n` +
        'Point the command at the relay\'s data directory with --data-dir DIR or PARLEY_DATA_DIR=DIR; only parley start creates a new installation.',
    );
    this.name = 'NoInstallationError';
  }
}

/**
 * Reads the relay settings left in `flags` and opens the durable store of an existing
 * installation (never creating one). `command` names the command in the refusal for the memory
 * store, whose changes would vanish on exit.
 */
export async function openCommandStore(command: string, flags: CommandFlags, env: CliEnv): Promise<CommandStore> {
  const given = flags.remaining();
  const options = parseOptions(given, env);
  if (options.storage === 'memory') throw new OptionsError(`${command} needs a durable store (PARLEY_STORAGE=sqlite)`);
  if (options.databaseUrl !== null) {
    // PostgreSQL: the installation is the database; a database Parley never migrated is refused.
    const storage = await openStorage({
      kind: options.storage,
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl,
      databasePoolSize: options.databasePoolSize,
      create: false,
    });
    return { storage, options };
  }
  const dataDir = resolve(options.dataDir);
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    throw new NoInstallationError(dataDir, given.includes('--data-dir') || Boolean(env['PARLEY_DATA_DIR']));
  }
  const storage = await openStorage({ kind: options.storage, dataDir, synchronous: options.synchronous, create: false });
  return { storage, options };
}
