/**
 * Deciding a WebSocket upgrade before any WebSocket exists: the path must be `/ws`, the token
 * valid (else 401), and the `Origin` allowed for who the token names (else 403): a visitor's
 * site allowlist, or the console's own origins for an agent.
 */
import type { IncomingMessage } from 'node:http';
import { verifyToken } from '../auth/tokens.js';
import type { PeerIdentity } from '../broker/session.js';
import { isOriginAllowed } from '../origin.js';
import type { Storage } from '../storage/storage.js';

/** The outcome of checking an upgrade request. */
export type UpgradeDecision =
  | { ok: true; identity: PeerIdentity }
  | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

/** What the check needs. */
export interface UpgradeAuthDeps {
  storage: Storage;
  secret: string;
  /** Origins the console may run on (the relay's own public origin first). */
  consoleOrigins(): readonly string[];
}

/** Checks the path, token and origin of an upgrade request. */
export async function authorizeUpgrade(req: IncomingMessage, deps: UpgradeAuthDeps): Promise<UpgradeDecision> {
  const url = new URL(req.url ?? '/', 'http://relay.invalid');
  if (url.pathname !== '/ws') return { ok: false, status: 404, reason: 'Not found' };
  const given = url.searchParams.get('token');
  const payload = verifyToken(given, deps.secret);
  if (!payload || given === null) return { ok: false, status: 401, reason: 'Missing, invalid or expired token' };
  const origin = req.headers.origin;

  if (payload.k === 'a') {
    const [agent, live] = await Promise.all([deps.storage.getAgent(payload.sub), deps.storage.liveAgentSessions([payload.sid], Date.now())]);
    if (!agent) return { ok: false, status: 401, reason: 'Unknown agent' };
    // Signed out, password changed or removed: the token is dead even though it has not expired.
    if (!live.has(payload.sid)) return { ok: false, status: 401, reason: 'Session ended; sign in again' };
    if (!isOriginAllowed(deps.consoleOrigins(), origin)) return { ok: false, status: 403, reason: 'Origin not allowed' };
    return { ok: true, identity: { role: 'agent', agentId: agent.id, expiresAt: payload.exp, sessionId: payload.sid } };
  }

  const site = await deps.storage.getSite(payload.site);
  const visitor = site ? await deps.storage.getVisitor(payload.sub) : null;
  // A visitor merged into a known user no longer exists: the client must get a new token.
  if (!site || !visitor || visitor.siteId !== site.id) return { ok: false, status: 401, reason: 'Unknown visitor' };
  if (!isOriginAllowed(site.allowedOrigins, origin)) return { ok: false, status: 403, reason: 'Origin not allowed' };
  const identity: PeerIdentity = { role: 'visitor', visitorId: visitor.id, siteId: site.id };
  if (payload.exp !== undefined) identity.expiresAt = payload.exp;
  const userAgent = req.headers['user-agent'];
  if (userAgent) identity.userAgent = userAgent;
  return { ok: true, identity };
}
