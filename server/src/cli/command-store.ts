/**
 * What the store-editing commands (`agent add`, `site ...`) share: their own flags are taken
 * out first, every other flag and environment variable is read as a relay setting (so
 * `--data-dir`, `--storage` and `--public-url` mean what they mean to `parley start`), and the
 * store is opened the way the relay opens it.
 */
import { OptionsError, parseOptions, readFlags, type RelayOptions } from '../options.js';
import { openStorage } from '../storage/open-storage.js';
import type { Storage } from '../storage/storage.js';
import type { CliEnv } from './cli-io.js';

/** A command's arguments: its own flags are taken one by one, the rest are relay settings. */
export class CommandFlags {
  readonly #flags: Map<string, string>;
  readonly #positional: string[];

  constructor(argv: readonly string[]) {
    const { flags, rest } = readFlags(argv);
    this.#flags = flags;
    this.#positional = rest;
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
 * Reads the relay settings left in `flags` and opens the durable store. `command` names the
 * command in the refusal for the memory store, whose changes would vanish on exit.
 */
export async function openCommandStore(command: string, flags: CommandFlags, env: CliEnv): Promise<CommandStore> {
  const options = parseOptions(flags.remaining(), env);
  if (options.storage === 'memory') throw new OptionsError(`${command} needs a durable store (PARLEY_STORAGE=sqlite)`);
  const storage = await openStorage({ kind: options.storage, dataDir: options.dataDir, synchronous: options.synchronous });
  return { storage, options };
}
