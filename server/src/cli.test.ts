import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_COMMANDS } from './cli/agent-commands.js';
import { SITE_COMMANDS } from './cli/site-commands.js';
import { helpText } from './cli.js';
import { runCaptured } from './cli/test-cli.js';

describe('parley command', () => {
  it('prints help listing every command and setting', async () => {
    const run = await runCaptured(['help']);
    expect(run.code).toBe(0);
    for (const command of [
      'parley start', 'parley agent add', 'parley agent list', 'parley agent remove', 'parley agent passwd',
      'parley site add', 'parley site list', 'parley site origins', 'parley site rotate-secret', 'parley site remove',
    ]) {
      expect(run.all).toContain(command);
    }
    expect(run.all).toContain('PARLEY_DATA_DIR');
    expect(helpText()).toContain('--max-text-length');
  });

  it('refuses unknown commands and bad flags with exit code 2', async () => {
    expect((await runCaptured(['launch'])).code).toBe(2);
    const badFlag = await runCaptured(['start', '--nope', '1']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err.join('\n')).toContain('unknown flag --nope');
    const badSite = await runCaptured(['site', 'delete']);
    expect(badSite.code).toBe(2);
    expect(badSite.err.join('\n')).toContain('unknown site command delete');
  });

  it('prints each command\'s own usage for --help, and touches no store', async () => {
    const commands = [
      ...Object.entries(AGENT_COMMANDS).map(([name, spec]) => ['agent', name, spec.usage]),
      ...Object.entries(SITE_COMMANDS).map(([name, spec]) => ['site', name, spec.usage]),
    ];
    for (const [group, name, usage] of commands) {
      const run = await runCaptured([group!, name!, '--help'], { PARLEY_DATA_DIR: '/nonexistent/parley' });
      expect(run.code).toBe(0);
      expect(run.all.split('\n')[0]).toBe(`Usage: parley ${usage}`);
      expect(run.all).not.toContain(`parley ${group} ${name === 'add' ? 'list' : 'add'} `);
    }
    const start = await runCaptured(['start', '-h']);
    expect(start.all.split('\n')[0]).toBe('Usage: parley start [flags]');
    expect(start.all).toContain('PARLEY_DATA_DIR');
    const group = await runCaptured(['site', '--help']);
    expect(group.code).toBe(0);
    expect(group.all).toContain('parley site remove KEY');
    expect(group.all).not.toContain('parley agent');
  });

  it('refuses to read or change an installation where there is no database, and creates none', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'parley-elsewhere-'));
    try {
      for (const argv of [['site', 'list'], ['agent', 'list'], ['agent', 'add', '--email', 'a@example.com', '--name', 'A'], ['site', 'remove', 'demo', '--yes']]) {
        const run = await runCaptured([...argv, '--data-dir', empty]);
        expect(run.code).toBe(1);
        const [first, second] = run.err.join('\n').split('\n');
        expect(first).toBe(`parley: no Parley database in ${empty}: ${join(empty, 'parley.db')} does not exist.`);
        expect(second).toContain('--data-dir DIR or PARLEY_DATA_DIR=DIR');
        expect(run.all).not.toContain('No sites yet');
      }
      expect(await readdir(empty)).toEqual([]);
      const missing = join(empty, 'data');
      const viaEnv = await runCaptured(['site', 'list'], { PARLEY_DATA_DIR: missing });
      expect(viaEnv.err[0]).toContain(`no Parley database in ${missing}:`);
      await expect(stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
