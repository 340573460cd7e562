/** `parley agent add`: creates an agent account in the relay's store. */
import { nanoid } from 'nanoid';
import { ROLES, type Role } from '@parley/protocol';
import { hashPassword } from '../auth/password.js';
import { generateSecret } from '../bootstrap.js';
import { OptionsError } from '../options.js';
import { isStorageError } from '../storage/storage-error.js';
import { agentSitesLine, sitesForNewAgent } from './agent-site-commands.js';
import type { CliEnv, CliIo } from './cli-io.js';
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
