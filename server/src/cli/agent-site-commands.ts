/**
 * Which sites an agent belongs to, from the command line: `parley agent sites EMAIL [--add
 * KEY,...] [--remove KEY,...]`, and the sites a new agent joins (`parley agent add --sites`).
 * Agents and supervisors see only the conversations of their sites; admins see every site, so
 * their memberships matter only if their role changes. An open console learns of a change
 * within `scopeRefreshMs` (it is reconnected with its new scope).
 */
import type { Role } from '@parley/protocol';
import { OptionsError } from '../options.js';
import type { Agent, Site, Storage } from '../storage/storage.js';
import type { CliEnv, CliIo } from './cli-io.js';
import { CommandFlags, openCommandStore } from './command-store.js';

/** The site keys of a `--sites`, `--add` or `--remove` value (`KEY,KEY`), each once. */
function parseKeys(flag: string, value: string): string[] {
  const keys = [...new Set(value.split(',').map((key) => key.trim()))];
  if (keys.some((key) => key === '')) throw new OptionsError(`--${flag} takes site keys separated by commas, e.g. --${flag} shop,blog`);
  return keys;
}

/** The sites of `keys`, in order; an unknown key is refused, naming the keys that exist. */
async function sitesOf(storage: Storage, flag: string, keys: readonly string[]): Promise<Site[]> {
  const sites = await storage.listSites();
  return keys.map((key) => {
    const site = sites.find((s) => s.key === key);
    if (!site) throw new OptionsError(`--${flag}: no site has the key "${key}" (sites: ${keyList(sites)})`);
    return site;
  });
}

function keyList(sites: readonly Site[]): string {
  return sites.length === 0 ? 'none yet' : sites.map((site) => site.key).join(', ');
}

/**
 * The sites a new agent joins: the ones `--sites` names; without it the only site when there is
 * exactly one (single-site setups need no extra step), none when there is none yet. With several
 * sites an agent or supervisor must name theirs; an admin sees every site whatever it names.
 */
export async function sitesForNewAgent(storage: Storage, role: Role, sitesFlag: string | undefined): Promise<Site[]> {
  if (sitesFlag !== undefined) return sitesOf(storage, 'sites', parseKeys('sites', sitesFlag));
  const sites = await storage.listSites();
  if (sites.length <= 1 || role === 'admin') return sites.length === 1 ? sites : [];
  throw new OptionsError(`there are ${sites.length} sites (${keyList(sites)}): name the ${role}'s sites with --sites KEY,KEY`);
}

/** The line that tells which sites an agent now sees. */
export async function agentSitesLine(storage: Storage, agent: Agent): Promise<string> {
  if (agent.role === 'admin') return `${agent.email} is an admin and sees every site.`;
  const ids = await storage.listAgentSites(agent.id);
  const byId = new Map((await storage.listSites()).map((site) => [site.id, site.key]));
  const keys = ids.map((id) => byId.get(id)).filter((key) => key !== undefined);
  return keys.length === 0 ? `${agent.email} belongs to no site yet and sees no conversation.` : `${agent.email} sees the sites: ${keys.join(', ')}`;
}

/** `parley agent sites EMAIL [--add KEY,...] [--remove KEY,...]`; resolves with the exit code. */
export async function agentSites(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const [email, ...rest] = argv;
  if (email === undefined || email.startsWith('--')) throw new OptionsError('agent sites needs the agent\'s email: parley agent sites EMAIL [--add KEY,KEY] [--remove KEY,KEY]');
  const flags = new CommandFlags(rest);
  const add = flags.take('add');
  const remove = flags.take('remove');
  const { storage } = await openCommandStore('agent sites', flags, env);
  try {
    const agent = await storage.getAgentByEmail(email);
    if (!agent) {
      io.err(`No agent has the email ${email}.`);
      return 1;
    }
    // Every key is checked before anything changes, so a typo changes nothing.
    const adding = add === undefined ? [] : await sitesOf(storage, 'add', parseKeys('add', add));
    const removing = remove === undefined ? [] : await sitesOf(storage, 'remove', parseKeys('remove', remove));
    if (adding.length > 0) await storage.addAgentSites(agent.id, adding.map((site) => site.id));
    if (removing.length > 0) await storage.removeAgentSites(agent.id, removing.map((site) => site.id));
    io.out(await agentSitesLine(storage, agent));
    return 0;
  } finally {
    await storage.close();
  }
}
