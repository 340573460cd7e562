/**
 * Issuing the relay's tokens: what a visitor and an agent session carry. Signing and checking
 * live in `auth/tokens.ts`; this file decides the payloads and lifetimes.
 */
import { signToken } from './auth/tokens.js';

/** Lifetime of a visitor token: one year. */
export const VISITOR_TOKEN_TTL_MS = 365 * 24 * 60 * 60 * 1000;

/** A visitor token for `visitorId` of `siteId`. */
export function issueVisitorToken(secret: string, visitorId: string, siteId: string, now: number = Date.now()): string {
  return signToken({ k: 'v', sub: visitorId, site: siteId, iat: now, exp: now + VISITOR_TOKEN_TTL_MS }, secret);
}

/** An agent (console) token, valid for `ttlMs`. */
export function issueAgentToken(secret: string, agentId: string, ttlMs: number, now: number = Date.now()): string {
  return signToken({ k: 'a', sub: agentId, iat: now, exp: now + ttlMs }, secret);
}
