import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, runCli } from './cli.js';
import { openStorage } from './storage/open-storage.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('parley command', () => {
  it('prints help listing every setting', async () => {
    const { io, out } = capture();
    expect(await runCli(['help'], {}, io)).toBe(0);
    expect(out.join('\n')).toContain('PARLEY_DATA_DIR');
    expect(helpText()).toContain('--max-text-length');
  });

  it('refuses unknown commands and bad flags with exit code 2', async () => {
    const { io, err } = capture();
    expect(await runCli(['launch'], {}, io)).toBe(2);
    expect(await runCli(['start', '--nope', '1'], {}, io)).toBe(2);
    expect(err.join('\n')).toContain('unknown flag --nope');
  });

  it('adds an agent with a generated password, once per email', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
    try {
      const first = capture();
      expect(await runCli(['agent', 'add', '--email', 'sup@example.com', '--name', 'Sue', '--role', 'supervisor'], { PARLEY_DATA_DIR: dataDir }, first.io)).toBe(0);
      expect(first.out[0]).toMatch(/^Added supervisor Sue <sup@example.com> with password \S+/);
      const again = capture();
      expect(await runCli(['agent', 'add', '--email', 'SUP@example.com', '--name', 'Sue', '--data-dir', dataDir], {}, again.io)).toBe(1);
      expect(again.err[0]).toContain('already exists');
      const bad = capture();
      expect(await runCli(['agent', 'add', '--email', 'x@example.com', '--name', 'X', '--role', 'boss', '--data-dir', dataDir], {}, bad.io)).toBe(2);
      const storage = await openStorage({ kind: 'sqlite', dataDir });
      expect((await storage.getAgentByEmail('sup@example.com'))!.role).toBe('supervisor');
      await storage.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
