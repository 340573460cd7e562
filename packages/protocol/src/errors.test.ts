import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, ERROR_CATALOG, ParleyError, isErrorCode } from './errors.js';

describe('ERROR_CATALOG', () => {
  it('uses only close codes listed in CLOSE_CODES', () => {
    const known = new Set<number>(Object.values(CLOSE_CODES));
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      if (entry.close !== null) expect(known.has(entry.close), code).toBe(true);
    }
  });

  it('documents every code in the protocol README table', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(ERROR_CATALOG)) expect(readme).toContain(`\`${code}\``);
  });
});

describe('ParleyError', () => {
  it('carries the code, its close code and the catalog message', () => {
    const error = new ParleyError('version_mismatch');
    expect(error.code).toBe('version_mismatch');
    expect(error.close).toBe(4000);
    expect(error.message).toBe(ERROR_CATALOG.version_mismatch.message);
    expect(isErrorCode('version_mismatch')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
