import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inStore, runCaptured, tempDataDir } from './test-cli.js';

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
});
