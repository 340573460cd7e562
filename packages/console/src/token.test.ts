import { describe, expect, it } from 'vitest';
import { readTokenClaims, tokenExpired } from './token.js';

const token = (payload: object) => `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('tokenExpired', () => {
  const now = 1_800_000_000_000;

  it('accepts a token whose expiry is ahead, in milliseconds or seconds', () => {
    expect(tokenExpired(token({ k: 'a', sub: 'a1', exp: now + 1000 }), now)).toBe(false);
    expect(tokenExpired(token({ k: 'a', sub: 'a1', exp: now / 1000 + 60 }), now)).toBe(false);
  });

  it('refuses an expired or malformed token', () => {
    expect(tokenExpired(token({ k: 'a', sub: 'a1', exp: now - 1 }), now)).toBe(true);
    expect(tokenExpired('garbage', now)).toBe(true);
    expect(tokenExpired('e30.sig', now)).toBe(true);
  });
});

describe('readTokenClaims', () => {
  it('reads the agent id', () => {
    expect(readTokenClaims(token({ k: 'a', sub: 'agent-7', iat: 1, exp: 2 }))).toEqual({ sub: 'agent-7', exp: 2 });
  });
});
