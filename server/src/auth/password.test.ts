import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';

describe('hashPassword', () => {
  it('writes scrypt parameters, a 16-byte salt and the hash in base64url', async () => {
    const stored = await hashPassword('correct horse');
    const [scheme, N, r, p, salt, hash, ...rest] = stored.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(rest).toEqual([]);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('salts every hash differently', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
});

describe('verifyPassword', () => {
  it('accepts the password that was hashed and refuses any other', async () => {
    const stored = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsE', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('treats composed and decomposed forms of the same characters alike', async () => {
    const stored = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('refuses a hash whose salt or digest was altered', async () => {
    const stored = await hashPassword('secret');
    const parts = stored.split('$');
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    expect(await verifyPassword('secret', [...parts.slice(0, 4), flip(parts[4] ?? ''), parts[5]].join('$'))).toBe(false);
    expect(await verifyPassword('secret', [...parts.slice(0, 5), flip(parts[5] ?? '')].join('$'))).toBe(false);
  });

  it('answers false, never throws, for malformed or unsupported stored values', async () => {
    const stored = await hashPassword('secret');
    const [, , , , salt, hash] = stored.split('$');
    const bad = [
      '',
      'plain-text-password',
      `bcrypt$16384$8$1$${salt}$${hash}`,
      `scrypt$16383$8$1$${salt}$${hash}`,
      `scrypt$1$8$1$${salt}$${hash}`,
      `scrypt$1073741824$8$1$${salt}$${hash}`,
      `scrypt$16384$0$1$${salt}$${hash}`,
      `scrypt$16384$8$1$$${hash}`,
      `scrypt$16384$8$1$${salt}$`,
      `scrypt$16384$8$1$${salt}$${hash}$extra`,
      `scrypt$16384$8$1$${salt}$AAAA`,
    ];
    for (const value of bad) expect(await verifyPassword('secret', value)).toBe(false);
  });

  it('verifies hashes made with other cost parameters', async () => {
    // Written with N=1024, r=8, p=1 and the salt "0123456789abcdef": a lower cost, still readable.
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const hash = scryptSync('secret', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    expect(await verifyPassword('secret', stored)).toBe(true);
    expect(await verifyPassword('Secret', stored)).toBe(false);
  });
});
