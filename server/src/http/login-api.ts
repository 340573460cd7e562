/**
 * `POST /api/login`: an agent signs in with email and password and gets a console token.
 * Failed attempts are limited per IP address (429 once the limit is reached).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { toAgentProfile } from '../broker/views.js';
import { issueAgentToken } from '../session-tokens.js';
import type { Storage } from '../storage/storage.js';
import type { FailureLimiter } from './failure-limiter.js';
import { BadRequestError, readJsonObject, sendJson } from './respond.js';

/** What the login endpoint needs. */
export interface LoginApiDeps {
  storage: Storage;
  secret: string;
  limiter: FailureLimiter;
  maxBodyBytes: number;
  agentTokenTtlMs: number;
}

let decoyHash: Promise<string> | null = null;

/** Handles `POST /api/login`. */
export async function handleLogin(req: IncomingMessage, res: ServerResponse, deps: LoginApiDeps): Promise<void> {
  const ip = req.socket.remoteAddress ?? 'unknown';
  if (deps.limiter.blocked(ip)) return sendJson(res, 429, { error: 'too_many_attempts' }, { 'Retry-After': '60' });
  let body: Record<string, unknown>;
  try {
    body = await readJsonObject(req, deps.maxBodyBytes);
  } catch (error) {
    if (error instanceof BadRequestError) return sendJson(res, 400, { error: 'bad_request' });
    throw error;
  }
  const { email, password } = body;
  if (typeof email !== 'string' || typeof password !== 'string' || email.length > 320 || password.length > 1024) {
    return sendJson(res, 400, { error: 'bad_request' });
  }
  const agent = await deps.storage.getAgentByEmail(email);
  // Check a decoy when the email is unknown, so the answer time does not reveal which emails exist.
  decoyHash ??= hashPassword('decoy password that matches nothing');
  const ok = await verifyPassword(password, agent ? agent.passwordHash : await decoyHash);
  if (!agent || !ok) {
    deps.limiter.fail(ip);
    return sendJson(res, 401, { error: 'invalid_credentials' });
  }
  const token = issueAgentToken(deps.secret, agent.id, deps.agentTokenTtlMs);
  sendJson(res, 200, { token, agent: toAgentProfile(agent) });
}
