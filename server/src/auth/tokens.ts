/**
 * Relay tokens: `base64url(JSON payload) + "." + base64url(HMAC-SHA256(first part))` under the
 * relay secret. A visitor token names the visitor and its site; an agent token names the agent
 * and always expires. Verification answers null for anything that is not a token this relay
 * signed and that is still valid; it never throws on input from the network.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a token says: a visitor of a site (`k: 'v'`) or an agent's console session (`k: 'a'`,
 * `sid` naming the stored session, so that it can be ended before it expires). Times in ms.
 */
export type TokenPayload =
  | { k: 'v'; sub: string; site: string; iat: number; exp?: number }
  | { k: 'a'; sub: string; sid: string; iat: number; exp: number };

/** Longest token accepted, in characters; anything longer is refused before any work. */
export const MAX_TOKEN_LENGTH = 2048;

/** base64url characters only, no padding. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The signature part for `body` under `secret`. */
function signature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** Signs `payload` with `secret`. */
export function signToken(payload: TokenPayload, secret: string): string {
  if (secret.length === 0) throw new Error('A token secret must not be empty.');
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${signature(body, secret)}`;
}

/** A non-empty string. */
function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A time in ms. */
function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `value` as a payload when it has exactly one of the two shapes, else null. */
function asPayload(value: unknown): TokenPayload | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const fields = value as Record<string, unknown>;
  const { k, sub, site, sid, iat, exp } = fields;
  if (!isId(sub) || !isTime(iat)) return null;
  if (k === 'v' && isId(site) && (exp === undefined || isTime(exp))) {
    return exp === undefined ? { k, sub, site, iat } : { k, sub, site, iat, exp };
  }
  // An agent token without a session id (made before sessions were stored) cannot be revoked: refused.
  if (k === 'a' && isId(sid) && isTime(exp) && site === undefined) return { k, sub, sid, iat, exp };
  return null;
}

/**
 * The payload of `token` when it is a string this relay signed with `secret` and has not
 * expired at `now`; otherwise null.
 */
export function verifyToken(token: unknown, secret: string, now: number = Date.now()): TokenPayload | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || secret.length === 0) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const given = token.slice(dot + 1);
  if (!BASE64URL.test(body) || !BASE64URL.test(given)) return null;
  // Comparing the encoded forms rejects every other spelling of the same signature bytes.
  const expected = Buffer.from(signature(body, secret), 'ascii');
  const actual = Buffer.from(given, 'ascii');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const payload = asPayload(decoded);
  if (!payload) return null;
  if (payload.exp !== undefined && payload.exp <= now) return null;
  return payload;
}
