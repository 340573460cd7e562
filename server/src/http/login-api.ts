/**
 * `POST /api/login`: an agent signs in with email and password and gets a console token (a
 * stored session). `POST /api/logout` ends that session on the relay, not only in the browser.
 * Attempts are limited per client address (429 once the limit is reached). An attempt counts
 * as a failure from the moment it starts and is forgiven only when it succeeds, so a burst of
 * parallel guesses cannot all slip past the limit while their password checks run.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { toAgentProfile } from '../broker/views.js';
import { clientKey } from '../edge/client-ip.js';
import { isOriginAllowed } from '../origin.js';
import { verifyToken } from '../auth/tokens.js';
import { startAgentSession } from '../session-tokens.js';
import type { Storage } from '../storage/storage.js';
import { isStoreUnavailable } from '../storage/store-unavailable.js';
import type { FailureLimiter } from './failure-limiter.js';
import { BadRequestError, readJsonObject, sendBadRequest, sendJson } from './respond.js';

/** What the login endpoint needs. */
export interface LoginApiDeps {
  storage: Storage;
  secret: string;
  limiter: FailureLimiter;
  maxBodyBytes: number;
  agentTokenTtlMs: number;
  /** See `RelayOptions.trustProxyHops`. */
  trustProxyHops: number;
  /** Origins the console runs on; a browser posting from any other is refused. */
  consoleOrigins(): readonly string[];
  /** Told after a session ended here, so this node closes its connections at once. */
  agentSessionsEnded(): void;
}

let decoyHash: Promise<string> | null = null;

/**
 * The hash checked when the email is unknown, so that answer costs the same scrypt work as a
 * wrong password and its timing does not reveal which emails exist. Made once, before the
 * first login (the relay awaits it on start), so not even the first unknown email costs more.
 */
export function prepareLoginDecoy(): Promise<string> {
  decoyHash ??= hashPassword('decoy password that matches nothing');
  return decoyHash;
}

/** Handles `POST /api/login`. */
export async function handleLogin(req: IncomingMessage, res: ServerResponse, deps: LoginApiDeps): Promise<void> {
  const origin = req.headers.origin;
  // Browsers send `Origin` with every POST; only scripts without one (curl, tests) skip it.
  if (origin !== undefined && !isOriginAllowed(deps.consoleOrigins(), origin)) {
    return sendJson(res, 403, { error: 'origin_not_allowed' });
  }
  const ip = clientKey(req, deps.trustProxyHops);
  if (deps.limiter.blocked(ip)) return sendJson(res, 429, { error: 'too_many_attempts' }, { 'Retry-After': '60' });
  let body: Record<string, unknown>;
  try {
    body = await readJsonObject(req, deps.maxBodyBytes);
  } catch (error) {
    if (error instanceof BadRequestError) return sendBadRequest(res, error);
    throw error;
  }
  const { email, password } = body;
  if (typeof email !== 'string' || typeof password !== 'string' || email.length > 320 || password.length > 1024) {
    return sendJson(res, 400, { error: 'bad_request' });
  }
  // Re-check now that the body is in: parallel attempts of this address may have used the limit.
  if (deps.limiter.blocked(ip)) return sendJson(res, 429, { error: 'too_many_attempts' }, { 'Retry-After': '60' });
  deps.limiter.fail(ip);
  const [agent, decoy] = await Promise.all([deps.storage.getAgentByEmail(email), prepareLoginDecoy()]).catch((error: unknown) => {
    // Nothing was checked: an outage of the store must not use up the address's attempts.
    if (isStoreUnavailable(error)) deps.limiter.forgive(ip);
    throw error;
  });
  const ok = await verifyPassword(password, agent ? agent.passwordHash : decoy);
  if (!agent || !ok) return sendJson(res, 401, { error: 'invalid_credentials' });
  deps.limiter.forgive(ip);
  const token = await startAgentSession(deps.storage, deps.secret, agent.id, deps.agentTokenTtlMs);
  sendJson(res, 200, { token, agent: toAgentProfile(agent) });
}

/**
 * Handles `POST /api/logout` with `Authorization: Bearer <token>`: ends the token's session, so
 * the token stops working on every relay node and the console connections using it close.
 * Answers 204 also for a token already ended or expired (signing out twice is not an error).
 */
export async function handleLogout(req: IncomingMessage, res: ServerResponse, deps: LoginApiDeps): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined && !isOriginAllowed(deps.consoleOrigins(), origin)) {
    return sendJson(res, 403, { error: 'origin_not_allowed' });
  }
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!match) return sendJson(res, 400, { error: 'bad_request' });
  // Checked for signature only: an expired token's session may still be stored until pruned.
  const payload = verifyToken(match[1], deps.secret, 0);
  if (payload?.k !== 'a') return sendJson(res, 401, { error: 'invalid_token' });
  if (await deps.storage.endAgentSession(payload.sid)) deps.agentSessionsEnded();
  res.writeHead(204, { 'Cache-Control': 'no-store' });
  res.end();
}
