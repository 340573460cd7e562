/**
 * `parley site ...`: the sites (websites) that may embed the widget. Each has a public key (named
 * in the script tag), a secret (signs `userHash` for identity verification; printed only when
 * made) and an allowlist of origins. The running relay reads sites from the store on every
 * request, so changes apply without a restart.
 */
import { customAlphabet, nanoid } from 'nanoid';
import { generateSecret } from '../bootstrap.js';
import { OptionsError, type RelayOptions } from '../options.js';
import { isStorageError } from '../storage/storage-error.js';
import type { Site, Storage } from '../storage/storage.js';
import { checkAllowedOrigin, parseAllowedOrigins } from './allowed-origin.js';
import type { CliEnv, CliIo } from './cli-io.js';
import { runCommandGroup, type CommandSpec } from './command-spec.js';
import { CommandFlags, openCommandStore } from './command-store.js';

/**
 * Generated site keys: 16 letters and digits (about 95 random bits). No `-` or `_`, so a key
 * never starts like a flag on a command line and selects whole on a double click.
 */
const generateSiteKey = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 16);
/** A site key an operator chooses: it goes into HTML attributes and storage keys unescaped. */
const SITE_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The origin browsers load the relay from: `--public-url`, else `http://localhost:<port>`. */
export function relayOrigin(options: Pick<RelayOptions, 'publicUrl' | 'port'>): string {
  // parseOptions has already refused a public URL that does not parse.
  return options.publicUrl ? new URL(options.publicUrl).origin : `http://localhost:${options.port}`;
}

/** The script tag a site pastes into its pages. */
export function siteSnippet(origin: string, key: string): string {
  return `<script async src="${origin}/parley.js" data-site-key="${key}"></script>`;
}

/** The secret's one showing, with what it is for. */
function printSecret(io: CliIo, label: string, secret: string): void {
  io.out(`${label}: ${secret}`);
  io.out('  Shown once. Keep it on your server only: it signs userHash for identity verification');
  io.out('  (hex HMAC-SHA256 of the user id). `parley site rotate-secret` replaces it.');
}

/** Runs `action` on the store named by the remaining flags, always closing it. */
async function withStore(command: string, flags: CommandFlags, env: CliEnv, action: (storage: Storage, options: RelayOptions) => Promise<number>): Promise<number> {
  const { storage, options } = await openCommandStore(command, flags, env);
  try {
    return await action(storage, options);
  } finally {
    await storage.close();
  }
}

/** The site with `key`, or null after telling the operator it does not exist. */
async function findSite(storage: Storage, key: string, io: CliIo): Promise<Site | null> {
  const site = await storage.getSiteByKey(key);
  if (!site) io.err(`No site with key ${key} (see parley site list).`);
  return site;
}

/** `parley site add --name N --origins O,O [--key K]`. */
async function siteAdd(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const flags = new CommandFlags(argv);
  const name = flags.take('name')?.trim();
  const originList = flags.take('origins');
  const chosenKey = flags.take('key');
  if (!name || originList === undefined) throw new OptionsError('site add needs --name and --origins');
  if (chosenKey !== undefined && !SITE_KEY_PATTERN.test(chosenKey)) {
    throw new OptionsError('--key must be 1 to 64 letters, digits, _ or -, starting with a letter or digit');
  }
  const origins = parseAllowedOrigins(originList, '--origins');

  return withStore('site add', flags, env, async (storage, options) => {
    const key = chosenKey ?? generateSiteKey();
    const secret = generateSecret();
    try {
      await storage.createSite({ id: nanoid(), key, name, secret, allowedOrigins: origins, createdAt: Date.now() });
    } catch (error) {
      if (isStorageError(error, 'conflict')) {
        io.err(`A site with key ${key} already exists.`);
        return 1;
      }
      throw error;
    }
    io.out(`Added site ${name} with key ${key}`);
    io.out(`Allowed origins: ${origins.join(', ')}`);
    printSecret(io, 'Identity secret', secret);
    io.out('Paste this tag into every page of the site:');
    io.out(`  ${siteSnippet(relayOrigin(options), key)}`);
    // Admins see every site; agents and supervisors only the sites they are added to.
    io.out(`Admins see it now; add agents with: parley agent sites EMAIL --add ${key}`);
    return 0;
  });
}

/** `parley site list`: key, name and origins of every site; never a secret. */
async function siteList(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  return withStore('site list', new CommandFlags(argv), env, async (storage) => {
    const sites = await storage.listSites();
    if (sites.length === 0) {
      io.out('No sites yet. The relay creates the demo site on its first start; add yours with parley site add.');
      return 0;
    }
    const rows = [['KEY', 'NAME', 'ALLOWED ORIGINS'], ...sites.map((site) => [site.key, site.name, site.allowedOrigins.join(', ') || '(none)'])];
    const keyWidth = Math.max(...rows.map((row) => row[0]!.length));
    const nameWidth = Math.max(...rows.map((row) => row[1]!.length));
    for (const [key, name, origins] of rows) io.out(`${key!.padEnd(keyWidth)}  ${name!.padEnd(nameWidth)}  ${origins}`);
    return 0;
  });
}

/**
 * The allowlist entry `value` names: the entry as written, else its normalised form, so an
 * entry can be removed however it is spelled and even when it is not a valid origin.
 */
function entryNamed(allowlist: readonly string[], value: string): string | undefined {
  if (allowlist.includes(value)) return value;
  const check = checkAllowedOrigin(value);
  return check.ok && allowlist.includes(check.origin) ? check.origin : undefined;
}

/** `parley site origins --key K [--add O,O] [--remove O,O]`. */
async function siteOrigins(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const flags = new CommandFlags(argv);
  const key = flags.take('key');
  const addList = flags.take('add');
  const removeList = flags.take('remove');
  if (!key || (addList === undefined && removeList === undefined)) throw new OptionsError('site origins needs --key and --add or --remove');
  const added = addList === undefined ? [] : parseAllowedOrigins(addList, '--add');
  const removing = (removeList ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);

  return withStore('site origins', flags, env, async (storage) => {
    const site = await findSite(storage, key, io);
    if (!site) return 1;
    const missing = removing.filter((value) => entryNamed(site.allowedOrigins, value) === undefined);
    if (missing.length > 0) {
      // Refused whole, so a typo in one entry never leaves the list half-edited.
      io.err(`Not in the allowed origins of site ${key}: ${missing.join(', ')} (nothing changed).`);
      return 1;
    }
    const removed = new Set(removing.map((value) => entryNamed(site.allowedOrigins, value)!));
    const next = [...new Set([...site.allowedOrigins.filter((entry) => !removed.has(entry)), ...added])];
    await storage.updateSite(site.id, { allowedOrigins: next });
    io.out(`Allowed origins of site ${key}: ${next.join(', ') || '(none: the widget loads on no page)'}`);
    return 0;
  });
}

/** `parley site rotate-secret --key K`. */
async function siteRotateSecret(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const flags = new CommandFlags(argv);
  const key = flags.take('key');
  if (!key) throw new OptionsError('site rotate-secret needs --key');

  return withStore('site rotate-secret', flags, env, async (storage) => {
    const site = await findSite(storage, key, io);
    if (!site) return 1;
    const secret = generateSecret();
    await storage.updateSite(site.id, { secret });
    io.out(`Replaced the identity secret of site ${key}; userHash values made with the old one no longer verify.`);
    printSecret(io, 'New identity secret', secret);
    return 0;
  });
}

/** Counted with their unit: `1 conversation`, `3 messages`. */
function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * `parley site remove KEY [--yes]`: deletes a site with everything of it (visitors,
 * conversations, messages, callback requests). Without `--yes` it only says what would go. The
 * demo site is refused: the relay recreates it on every start for its demo page.
 */
async function siteRemove(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const flags = new CommandFlags(argv, ['yes']);
  const key = flags.take('key') ?? flags.takePositional();
  if (!key) throw new OptionsError('site remove needs the key of the site (parley site remove KEY)');
  const confirmed = flags.has('yes');

  return withStore('site remove', flags, env, async (storage, options) => {
    const site = await findSite(storage, key, io);
    if (!site) return 1;
    if (site.key === options.demoSiteKey) {
      io.err(
        `Site ${key} is the relay's demo site: parley start recreates it on every start (the demo page at / uses it), so it cannot be removed. ` +
          'It allows only the relay\'s own origin, local ports and PARLEY_ALLOWED_ORIGINS.',
      );
      return 1;
    }
    if (!confirmed) {
      const conversations = await storage.listConversations({ siteIds: [site.id], limit: Number.MAX_SAFE_INTEGER });
      const messages = conversations.reduce((sum, conversation) => sum + conversation.lastSeq, 0);
      io.err(`Removing site ${site.name} (${key}) deletes it with ${count(conversations.length, 'conversation')} (${count(messages, 'message')}), its visitors and their callback requests.`);
      io.err('The widget stops loading on its pages at once. This cannot be undone; run again with --yes to remove it.');
      return 1;
    }
    const removed = await storage.deleteSite(site.id);
    if (!removed) {
      io.err(`No site with key ${key} (see parley site list).`);
      return 1;
    }
    io.out(
      `Removed site ${site.name} (${key}) with ${count(removed.conversations, 'conversation')}, ${count(removed.messages, 'message')}, ` +
        `${count(removed.visitors, 'visitor')} and ${count(removed.callbacks, 'callback request')}.`,
    );
    return 0;
  });
}

/** The `parley site` commands. */
export const SITE_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  add: {
    usage: 'site add --name N --origins https://shop.example,https://*.shop.example [--key K] [flags]',
    summary: 'Adds a site; prints its key, its identity secret (once) and the script tag.',
    run: siteAdd,
  },
  list: { usage: 'site list [flags]', summary: 'Lists the sites: key, name, allowed origins.', run: siteList },
  origins: {
    usage: 'site origins --key K [--add O,O] [--remove O,O] [flags]',
    summary:
      'Changes the origins allowed to embed a site. Origins are scheme://host[:port], with a * port\n' +
      '(http://localhost:*) or a *. first label (https://*.shop.example).',
    run: siteOrigins,
  },
  'rotate-secret': {
    usage: 'site rotate-secret --key K [flags]',
    summary: 'Replaces a site\'s identity secret (prints the new one once).',
    run: siteRotateSecret,
  },
  remove: {
    usage: 'site remove KEY [--yes] [flags]',
    summary:
      'Deletes a site with its visitors, conversations, messages and callback requests (asks for --yes\n' +
      'first and says what would go). The demo site cannot be removed: the relay recreates it on start.',
    run: siteRemove,
  },
};

/** `parley site <command> ...`; resolves with the exit code. */
export async function runSiteCommand(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  return runCommandGroup('site', SITE_COMMANDS, argv, env, io);
}
