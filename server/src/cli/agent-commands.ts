/**
 * `parley agent ...`: agent accounts. `add` creates one, `list` shows them, `remove` deletes one
 * and `passwd` replaces a password; both of the last end the agent's console sessions, and the
 * running relay closes their open consoles at its next session sweep.
 */
import { nanoid } from 'nanoid';
import { ROLES, type Role } from '@parley/protocol';
import { hashPassword } from '../auth/password.js';
import { generateSecret } from '../bootstrap.js';
import { OptionsError } from '../options.js';
import { isStorageError } from '../storage/storage-error.js';
import type { Agent, Storage } from '../storage/storage.js';
import { agentSites, agentSitesLine, sitesForNewAgent } from './agent-site-commands.js';
import type { CliEnv, CliIo } from './cli-io.js';
import { runCommandGroup, type CommandSpec } from './command-spec.js';
import { CommandFlags, openCommandStore } from './command-store.js';

/** `parley agent add --email E --name N [--role R] [--password P] [--sites KEY,KEY]`; resolves with the exit code. */
export async function agentAdd(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const flags = new CommandFlags(argv);
  const email = flags.take('email');
  const name = flags.take('name');
  const role = flags.take('role') ?? 'agent';
  const given = flags.take('password');
  const sitesFlag = flags.take('sites');
  if (!email || !name) throw new OptionsError('agent add needs --email and --name');
  if (!(ROLES as readonly string[]).includes(role)) throw new OptionsError(`--role must be one of ${ROLES.join(', ')}`);

  const { storage } = await openCommandStore('agent add', flags, env);
  try {
    const sites = await sitesForNewAgent(storage, role as Role, sitesFlag);
    const password = given ?? generateSecret(12);
    const agent = await storage.createAgent({
      id: nanoid(),
      email,
      name,
      role: role as Role,
      passwordHash: await hashPassword(password),
      createdAt: Date.now(),
    });
    if (sites.length > 0) await storage.addAgentSites(agent.id, sites.map((site) => site.id));
    io.out(`Added ${role} ${name} <${email}>${given ? '' : ` with password ${password} (shown once)`}`);
    io.out(await agentSitesLine(storage, agent));
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

/** Runs `action` on the store named by the remaining flags, always closing it. */
async function withStore(command: string, flags: CommandFlags, env: CliEnv, action: (storage: Storage) => Promise<number>): Promise<number> {
  const { storage } = await openCommandStore(command, flags, env);
  try {
    return await action(storage);
  } finally {
    await storage.close();
  }
}

/** The email a command names: `--email E` or the first positional argument. */
function emailArgument(flags: CommandFlags, command: string): string {
  const email = flags.take('email') ?? flags.takePositional();
  if (!email) throw new OptionsError(`${command} needs the agent's email (parley ${command} EMAIL)`);
  return email;
}

/** The agent with `email`, or null after telling the operator there is none. */
async function findAgent(storage: Storage, email: string, io: CliIo): Promise<Agent | null> {
  const agent = await storage.getAgentByEmail(email);
  if (!agent) io.err(`No agent with email ${email} (see parley agent list).`);
  return agent;
}

/** `parley agent list`: email, name and role of every agent; never a password hash. */
async function agentList(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  return withStore('agent list', new CommandFlags(argv), env, async (storage) => {
    const agents = await storage.listAgents();
    if (agents.length === 0) {
      io.out('No agents yet. The relay creates an admin on its next start; add agents with parley agent add.');
      return 0;
    }
    const rows = [['EMAIL', 'NAME', 'ROLE'], ...agents.map((agent) => [agent.email, agent.name, agent.role])];
    const emailWidth = Math.max(...rows.map((row) => row[0]!.length));
    const nameWidth = Math.max(...rows.map((row) => row[1]!.length));
    for (const [email, name, role] of rows) io.out(`${email!.padEnd(emailWidth)}  ${name!.padEnd(nameWidth)}  ${role}`);
    return 0;
  });
}

/**
 * `parley agent remove EMAIL`: deletes the account and ends its console sessions. Their messages
 * keep their name. The last admin is refused: nobody could manage the installation after.
 */
async function agentRemove(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const flags = new CommandFlags(argv);
  const email = emailArgument(flags, 'agent remove');
  return withStore('agent remove', flags, env, async (storage) => {
    const agent = await findAgent(storage, email, io);
    if (!agent) return 1;
    if (agent.role === 'admin' && (await storage.listAgents()).filter((other) => other.role === 'admin').length === 1) {
      io.err(`${agent.email} is the last admin; add another admin first (parley agent add --role admin ...).`);
      return 1;
    }
    const assigned = await storage.listConversations({ assigneeId: agent.id, status: 'open', limit: Number.MAX_SAFE_INTEGER });
    await storage.deleteAgent(agent.id);
    io.out(`Removed ${agent.role} ${agent.name} <${agent.email}>; their open consoles close within a few seconds.`);
    if (assigned.length > 0) {
      io.out(`${assigned.length} open conversation${assigned.length === 1 ? ' was' : 's were'} assigned to them; a supervisor can reassign them in the console.`);
    }
    return 0;
  });
}

/** `parley agent passwd EMAIL [--password P]`: replaces the password and signs the agent out everywhere. */
async function agentPasswd(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const flags = new CommandFlags(argv);
  const email = emailArgument(flags, 'agent passwd');
  const given = flags.take('password');
  if (given !== undefined && given.length === 0) throw new OptionsError('--password must not be empty');
  return withStore('agent passwd', flags, env, async (storage) => {
    const agent = await findAgent(storage, email, io);
    if (!agent) return 1;
    const password = given ?? generateSecret(12);
    await storage.updateAgent(agent.id, { passwordHash: await hashPassword(password) });
    const ended = await storage.endAgentSessions(agent.id);
    io.out(`Changed the password of ${agent.name} <${agent.email}>${given ? '' : ` to ${password} (shown once)`}.`);
    io.out(`Signed out ${ended} console session${ended === 1 ? '' : 's'} of theirs; open consoles close within a few seconds.`);
    return 0;
  });
}

/** The `parley agent` commands. */
export const AGENT_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  add: {
    usage: 'agent add --email E --name N [--role agent|supervisor|admin] [--password P] [--sites KEY,KEY] [flags]',
    summary:
      'Adds an agent account (prints a generated password when none is given); with several sites,\n--sites names the agent\'s (with one site, the agent joins it).',
    run: agentAdd,
  },
  sites: {
    usage: 'agent sites EMAIL [--add KEY,KEY] [--remove KEY,KEY] [flags]',
    summary: 'Shows or changes the sites an agent or supervisor sees (admins see every site).',
    run: agentSites,
  },
  list: { usage: 'agent list [flags]', summary: 'Lists the agent accounts: email, name, role.', run: agentList },
  remove: {
    usage: 'agent remove EMAIL [flags]',
    summary: 'Deletes an agent account and signs it out of every console; its messages keep its name.',
    run: agentRemove,
  },
  passwd: {
    usage: 'agent passwd EMAIL [--password P] [flags]',
    summary: 'Replaces an agent\'s password (prints a generated one when none is given) and signs them\nout of every console.',
    run: agentPasswd,
  },
};

/** `parley agent <command> ...`; resolves with the exit code. */
export async function runAgentCommand(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  return runCommandGroup('agent', AGENT_COMMANDS, argv, env, io);
}
