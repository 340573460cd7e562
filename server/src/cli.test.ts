import { describe, expect, it } from 'vitest';
import { helpText } from './cli.js';
import { runCaptured } from './cli/test-cli.js';

describe('parley command', () => {
  it('prints help listing every command and setting', async () => {
    const run = await runCaptured(['help']);
    expect(run.code).toBe(0);
    for (const command of ['parley start', 'parley agent add', 'parley site add', 'parley site list', 'parley site origins', 'parley site rotate-secret']) {
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
});
