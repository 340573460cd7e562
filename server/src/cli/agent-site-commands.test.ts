import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inStore, runCaptured, tempDataDir } from './test-cli.js';

describe('parley agent sites, and the sites of parley agent add', () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dataDir, cleanup } = await tempDataDir()));
  afterEach(() => cleanup());

  const run = (...argv: string[]) => runCaptured([...argv, '--data-dir', dataDir]);
  const addSite = async (key: string) => expect((await run('site', 'add', '--name', key, '--origins', `https://${key}.example`, '--key', key)).code).toBe(0);
  /** The keys of the sites the agent with `email` belongs to. */
  const sitesOf = (email: string) =>
    inStore(dataDir, async (storage) => {
      const agent = await storage.getAgentByEmail(email);
      const keys = new Map((await storage.listSites()).map((site) => [site.id, site.key]));
      return agent ? (await storage.listAgentSites(agent.id)).map((id) => keys.get(id)) : null;
    });

  it('tells how agents get to see a new site', async () => {
    const added = await run('site', 'add', '--name', 'Blog', '--origins', 'https://blog.example', '--key', 'blog');
    expect(added.out.at(-1)).toBe('Admins see it now; add agents with: parley agent sites EMAIL --add blog');
  });

  it('makes a new agent a member of the only site without being asked', async () => {
    await addSite('shop');
    const added = await run('agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'pw-pw-pw-pw');
    expect(added.code).toBe(0);
    expect(added.out).toContain('ann@example.com sees the sites: shop');
    expect(await sitesOf('ann@example.com')).toEqual(['shop']);
  });

  it('adds an agent to no site while there is none, and says so', async () => {
    const added = await run('agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'pw-pw-pw-pw');
    expect(added.code).toBe(0);
    expect(added.out).toContain('ann@example.com belongs to no site yet and sees no conversation.');
  });

  it('asks for --sites when there are several sites, and adds nobody until it is given', async () => {
    await addSite('shop');
    await addSite('blog');
    const refused = await run('agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--role', 'supervisor');
    expect(refused.code).toBe(2);
    expect(refused.err[0]).toBe("parley: there are 2 sites (shop, blog): name the supervisor's sites with --sites KEY,KEY");
    const unknown = await run('agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--sites', 'shop,news');
    expect(unknown.code).toBe(2);
    expect(unknown.err[0]).toBe('parley: --sites: no site has the key "news" (sites: shop, blog)');
    expect(await sitesOf('ann@example.com')).toBeNull();

    expect((await run('agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--sites', 'blog')).code).toBe(0);
    expect(await sitesOf('ann@example.com')).toEqual(['blog']);
    const admin = await run('agent', 'add', '--email', 'zoe@example.com', '--name', 'Zoe', '--role', 'admin');
    expect(admin.code).toBe(0);
    expect(admin.out).toContain('zoe@example.com is an admin and sees every site.');
  });

  it('adds and removes an agent’s sites, checking every key before changing anything', async () => {
    await addSite('shop');
    await addSite('blog');
    await addSite('news');
    await run('agent', 'add', '--email', 'ann@example.com', '--name', 'Ann', '--sites', 'shop');
    const changed = await run('agent', 'sites', 'ann@example.com', '--add', 'blog,news', '--remove', 'shop');
    expect(changed.code).toBe(0);
    expect(changed.out).toEqual(['ann@example.com sees the sites: blog, news']);
    expect((await run('agent', 'sites', 'ANN@example.com')).out).toEqual(['ann@example.com sees the sites: blog, news']);

    const typo = await run('agent', 'sites', 'ann@example.com', '--add', 'shop', '--remove', 'nwes');
    expect(typo.code).toBe(2);
    expect(typo.err[0]).toContain('no site has the key "nwes"');
    expect(await sitesOf('ann@example.com')).toEqual(['blog', 'news']);
  });

  it('refuses an unknown agent and a missing email', async () => {
    await addSite('shop');
    const unknown = await run('agent', 'sites', 'nobody@example.com', '--add', 'shop');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toEqual(['No agent has the email nobody@example.com.']);
    const missing = await run('agent', 'sites', '--add', 'shop');
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toContain('agent sites needs the agent');
  });
});
