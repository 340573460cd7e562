/**
 * Issuing the relay's tokens: what a visitor and an agent session carry. Signing and checking
 * live in `auth/tokens.ts`; this file decides the payloads and lifetimes.
 */
import { nanoid } from 'nanoid';
import { signToken } from './auth/tokens.js';
import type { Storage } from './storage/storage.js';

/** Lifetime of a visitor token: one year. */
export const VISITOR_TOKEN_TTL_MS = 365 * 24 * 60 * 60 * 1000;

/** A visitor token for `visitorId` of `siteId`. */
export function issueVisitorToken(secret: string, visitorId: string, siteId: string, now: number = Date.now()): string {
  return signToken({ k: 'v', sub: visitorId, site: siteId, iat: now, exp: now + VISITOR_TOKEN_TTL_MS }, secret);
}

/** An agent (console) token for the stored session `sessionId`, valid for `ttlMs`. */
export function issueAgentToken(secret: string, agentId: string, sessionId: string, ttlMs: number, now: number = Date.now()): string {
  return signToken({ k: 'a', sub: agentId, sid: sessionId, iat: now, exp: now + ttlMs }, secret);
}

/**
 * Starts a console session of `agentId`: stores it (so that a sign-out, a password change or
 * removing the agent can end it) and returns its token.
 */
export async function startAgentSession(storage: Storage, secret: string, agentId: string, ttlMs: number, now: number = Date.now()): Promise<string> {
  const sessionId = nanoid();
  await storage.createAgentSession({ id: sessionId, agentId, createdAt: now, expiresAt: now + ttlMs });
  return issueAgentToken(secret, agentId, sessionId, ttlMs, now);
}
