import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH, signToken, verifyToken, type TokenPayload } from './tokens.js';

const SECRET = 'relay-secret';
const NOW = 1_700_000_000_000;
const visitor: TokenPayload = { k: 'v', sub: 'visitor-1', site: 'site-1', iat: NOW };
const agent = { k: 'a', sub: 'agent-1', sid: 'session-1', iat: NOW, exp: NOW + 12 * 3_600_000 } satisfies TokenPayload;

/** A token for any payload, signed correctly: tests shapes the signer would never produce. */
function signRaw(payload: unknown, secret = SECRET): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('signToken', () => {
  it('writes base64url JSON, a dot and the base64url HMAC-SHA256 of the first part', () => {
    const token = signToken(visitor, SECRET);
    const [body, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(body ?? '', 'base64url').toString())).toEqual(visitor);
    expect(signature).toBe(createHmac('sha256', SECRET).update(body ?? '').digest('base64url'));
  });

  it('refuses an empty secret', () => {
    expect(() => signToken(visitor, '')).toThrow();
  });
});

describe('verifyToken', () => {
  it('returns the payload of a visitor token and of an agent token', () => {
    expect(verifyToken(signToken(visitor, SECRET), SECRET, NOW)).toEqual(visitor);
    expect(verifyToken(signToken(agent, SECRET), SECRET, NOW)).toEqual(agent);
    const expiring: TokenPayload = { ...visitor, exp: NOW + 1 };
    expect(verifyToken(signToken(expiring, SECRET), SECRET, NOW)).toEqual(expiring);
  });

  it('refuses an expired token, from the instant of expiry', () => {
    const token = signToken(agent, SECRET);
    expect(verifyToken(token, SECRET, agent.exp - 1)).toEqual(agent);
    expect(verifyToken(token, SECRET, agent.exp)).toBeNull();
    expect(verifyToken(signToken({ ...visitor, exp: NOW - 1 }, SECRET), SECRET, NOW)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyToken(signToken(visitor, 'other-secret'), SECRET, NOW)).toBeNull();
  });

  it('refuses a token whose payload was changed', () => {
    const [, signature] = signToken(visitor, SECRET).split('.');
    const forged = Buffer.from(JSON.stringify({ ...visitor, sub: 'visitor-2' })).toString('base64url');
    expect(verifyToken(`${forged}.${signature}`, SECRET, NOW)).toBeNull();
  });

  it('refuses a token whose signature was changed, shortened or re-spelled', () => {
    const token = signToken(visitor, SECRET);
    const [body, signature = ''] = token.split('.');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(verifyToken(`${body}.${flipped}`, SECRET, NOW)).toBeNull();
    expect(verifyToken(`${body}.${signature.slice(0, -1)}`, SECRET, NOW)).toBeNull();
    expect(verifyToken(`${body}.${signature}=`, SECRET, NOW)).toBeNull();
    expect(verifyToken(`${body}.${Buffer.from(signature, 'base64url').toString('base64')}`, SECRET, NOW)).toBeNull();
    expect(verifyToken(`${body}.`, SECRET, NOW)).toBeNull();
    expect(verifyToken(`${body}`, SECRET, NOW)).toBeNull();
    expect(verifyToken(`${token}.extra`, SECRET, NOW)).toBeNull();
  });

  it('refuses an agent token turned into a visitor token by editing the kind', () => {
    const [, signature] = signToken(agent, SECRET).split('.');
    const edited = Buffer.from(JSON.stringify({ ...agent, k: 'v', site: 'site-1' })).toString('base64url');
    expect(verifyToken(`${edited}.${signature}`, SECRET, NOW)).toBeNull();
  });

  it('refuses correctly signed payloads of the wrong shape', () => {
    const shapes: unknown[] = [
      null,
      [],
      'visitor-1',
      { k: 'x', sub: 'a', iat: NOW },
      { k: 'v', sub: 'a', iat: NOW },
      { k: 'v', sub: '', site: 's', iat: NOW },
      { k: 'v', sub: 'a', site: 's', iat: 'now' },
      { k: 'v', sub: 'a', site: 's', iat: NOW, exp: 'never' },
      { k: 'a', sub: 'a', sid: 's1', iat: NOW },
      { k: 'a', sub: 'a', sid: 's1', iat: NOW, exp: null },
      { k: 'a', sub: 'a', sid: 's1', site: 's', iat: NOW, exp: NOW + 1 },
      // Without a session id the token could never be ended before it expires.
      { k: 'a', sub: 'a', iat: NOW, exp: NOW + 1 },
      { k: 'a', sub: 'a', sid: '', iat: NOW, exp: NOW + 1 },
    ];
    for (const shape of shapes) expect(verifyToken(signRaw(shape), SECRET, NOW)).toBeNull();
  });

  it('refuses a correctly signed body that is not JSON', () => {
    const body = Buffer.from('{not json').toString('base64url');
    const token = `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    expect(verifyToken(token, SECRET, NOW)).toBeNull();
  });

  it('refuses values that are not strings, and strings over 2 KB', () => {
    for (const value of [undefined, null, 42, {}, ['a.b'], Buffer.from('a.b')]) expect(verifyToken(value, SECRET, NOW)).toBeNull();
    const long = signToken({ ...visitor, sub: 'x'.repeat(MAX_TOKEN_LENGTH) }, SECRET);
    expect(long.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    expect(verifyToken(long, SECRET, NOW)).toBeNull();
    expect(verifyToken('', SECRET, NOW)).toBeNull();
  });

  it('leaves out fields it does not know', () => {
    expect(verifyToken(signRaw({ ...visitor, admin: true }), SECRET, NOW)).toEqual(visitor);
  });
});
