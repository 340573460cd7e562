import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeUserHash, verifyUserHash } from './user-hash.js';

const SECRET = 'site-secret';

describe('computeUserHash', () => {
  it('is the lowercase hex HMAC-SHA256 of the user id under the site secret', () => {
    const expected = createHmac('sha256', SECRET).update('user-42').digest('hex');
    expect(computeUserHash('user-42', SECRET)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('verifyUserHash', () => {
  it('accepts the hash of the user id in either hex case', () => {
    const hash = computeUserHash('user-42', SECRET);
    expect(verifyUserHash('user-42', hash, SECRET)).toBe(true);
    expect(verifyUserHash('user-42', hash.toUpperCase(), SECRET)).toBe(true);
  });

  it('refuses the hash of another user or under another secret', () => {
    expect(verifyUserHash('user-43', computeUserHash('user-42', SECRET), SECRET)).toBe(false);
    expect(verifyUserHash('user-42', computeUserHash('user-42', 'other'), SECRET)).toBe(false);
  });

  it('refuses a hash with one digit changed', () => {
    const hash = computeUserHash('user-42', SECRET);
    const changed = hash.slice(0, 63) + (hash[63] === '0' ? '1' : '0');
    expect(changed).not.toBe(hash);
    expect(verifyUserHash('user-42', changed, SECRET)).toBe(false);
  });

  it('refuses malformed hashes without throwing', () => {
    const hash = computeUserHash('user-42', SECRET);
    for (const value of ['', hash.slice(0, 62), `${hash}00`, `${hash.slice(0, 63)}g`, ` ${hash.slice(1)}`, 42, null, undefined]) {
      expect(verifyUserHash('user-42', value, SECRET)).toBe(false);
    }
    expect(verifyUserHash('', computeUserHash('', SECRET), SECRET)).toBe(false);
    expect(verifyUserHash('user-42', computeUserHash('user-42', ''), '')).toBe(false);
  });
});
