import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password.js';
import { inStore, runCaptured, tempDataDir, type CliRun } from './test-cli.js';

describe('parley agent add', () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dataDir, cleanup } = await tempDataDir()));
  afterEach(() => cleanup());

  it('adds an agent with a generated password, once per email', async () => {
    const first = await runCaptured(['agent', 'add', '--email', 'sup@example.com', '--name', 'Sue', '--role', 'supervisor'], { PARLEY_DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(first.out[0]).toMatch(/^Added supervisor Sue <sup@example.com> with password \S+/);
    const again = await runCaptured(['agent', 'add', '--email', 'SUP@example.com', '--name', 'Sue', '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.err[0]).toContain('already exists');
    expect((await inStore(dataDir, (s) => s.getAgentByEmail('sup@example.com')))!.role).toBe('supervisor');
  });

  it('refuses a bad role, a stray argument and the memory store with exit code 2', async () => {
    const base = ['agent', 'add', '--email', 'x@example.com', '--name', 'X', '--data-dir', dataDir];
    expect((await runCaptured([...base, '--role', 'boss'])).code).toBe(2);
    const stray = await runCaptured([...base, 'extra']);
    expect(stray.code).toBe(2);
    expect(stray.err[0]).toContain('unexpected argument: extra');
    const memory = await runCaptured([...base, '--storage', 'memory']);
    expect(memory.code).toBe(2);
    expect(memory.err[0]).toContain('durable store');
    expect(await inStore(dataDir, (s) => s.listAgents())).toEqual([]);
  });

  const agent = (...argv: string[]): Promise<CliRun> => runCaptured(['agent', ...argv], { PARLEY_DATA_DIR: dataDir });

  it('lists agents without their password hashes', async () => {
    expect((await agent('list')).out[0]).toContain('No agents yet');
    await agent('add', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'secret-password-1');
    const run = await agent('list');
    expect(run.code).toBe(0);
    expect(run.out).toEqual(['EMAIL            NAME  ROLE', 'ann@example.com  Ann   agent']);
    expect(run.all).not.toContain('scrypt');
  });

  it('changes a password and ends every console session of the agent', async () => {
    await agent('add', '--email', 'ann@example.com', '--name', 'Ann', '--password', 'old-password-1');
    const ann = (await inStore(dataDir, (s) => s.getAgentByEmail('ann@example.com')))!;
    await inStore(dataDir, async (s) => {
      await s.createAgentSession({ id: 'laptop', agentId: ann.id, createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
      await s.createAgentSession({ id: 'phone', agentId: ann.id, createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
    });
    const run = await agent('passwd', 'ann@example.com');
    expect(run.code).toBe(0);
    const password = /to (\S+) \(shown once\)/.exec(run.out[0]!)![1]!;
    expect(run.out[1]).toContain('Signed out 2 console sessions');
    const after = (await inStore(dataDir, (s) => s.getAgentByEmail('ann@example.com')))!;
    expect(await verifyPassword(password, after.passwordHash)).toBe(true);
    expect(await verifyPassword('old-password-1', after.passwordHash)).toBe(false);
    expect(await inStore(dataDir, (s) => s.liveAgentSessions(['laptop', 'phone'], Date.now()))).toEqual(new Set());
    expect((await agent('passwd', 'nobody@example.com')).err[0]).toContain('No agent with email nobody@example.com');
  });

  it('removes an agent with their sessions, but never the last admin', async () => {
    await agent('add', '--email', 'boss@example.com', '--name', 'Boss', '--role', 'admin');
    await agent('add', '--email', 'ann@example.com', '--name', 'Ann');
    const ann = (await inStore(dataDir, (s) => s.getAgentByEmail('ann@example.com')))!;
    await inStore(dataDir, (s) => s.createAgentSession({ id: 'laptop', agentId: ann.id, createdAt: Date.now(), expiresAt: Date.now() + 60_000 }));
    const run = await agent('remove', 'ann@example.com');
    expect(run.code).toBe(0);
    expect(run.out[0]).toContain('Removed agent Ann <ann@example.com>');
    expect(await inStore(dataDir, (s) => s.getAgentByEmail('ann@example.com'))).toBeNull();
    expect(await inStore(dataDir, (s) => s.liveAgentSessions(['laptop'], Date.now()))).toEqual(new Set());

    const last = await agent('remove', 'boss@example.com');
    expect(last.code).toBe(1);
    expect(last.err[0]).toContain('last admin');
    expect(await inStore(dataDir, (s) => s.getAgentByEmail('boss@example.com'))).not.toBeNull();
  });
});
