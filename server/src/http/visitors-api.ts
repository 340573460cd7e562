/**
 * `POST /api/visitors`: the widget gets (or keeps) its visitor token. Called cross-origin from
 * the host page as a CORS "simple request" (a JSON body declared `text/plain`), so no preflight
 * is ever needed: the CORS grant is decided on the POST itself, where the site key names the
 * allowlist. Only an origin the named site allows is granted; for any other page (a refused
 * origin, `null`, an unknown key) no answer carries `Access-Control-Allow-Origin`, so the page
 * cannot read it and cannot tell an existing site key from an unknown one. The relay's log names
 * the exact cause instead (`refusal-log.ts`). Nothing is written before the origin is checked.
 * Creating a visitor writes a row, so new visitors are rate limited per client address; a
 * request that brings a valid token of the same site creates nothing and is never limited.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ParleyError } from '@parley/protocol';
import { verifyToken } from '../auth/tokens.js';
import { applyIdentityOrStartOver, createAnonymousVisitor, type IdentityClaim } from '../broker/identity.js';
import { clientKey } from '../edge/client-ip.js';
import type { KeyedRateLimiter } from '../edge/rate-limiter.js';
import { isOriginAllowed } from '../origin.js';
import { issueVisitorToken } from '../session-tokens.js';
import type { Storage, Visitor } from '../storage/storage.js';
import type { RefusalLog } from './refusal-log.js';
import { BadRequestError, readJsonObject, sendBadRequest, sendJson } from './respond.js';

/** What the visitors endpoint needs. */
export interface VisitorsApiDeps {
  storage: Storage;
  secret: string;
  maxBodyBytes: number;
  maxFieldLength: number;
  /** New visitors per client address. */
  visitorLimiter: KeyedRateLimiter;
  /** See `RelayOptions.trustProxyHops`. */
  trustProxyHops: number;
  /** Where refused pages are reported to the operator. */
  refusals: RefusalLog;
}

/** Answers to a page the site does not allow (or before the site is known): readable by no page. */
const NO_GRANT: OutgoingHttpHeaders = { Vary: 'Origin' };

/** The CORS grant of an origin the named site allows. */
function grant(origin: string): OutgoingHttpHeaders {
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** Reads `{ siteKey, token?, user? }`; null when its shape is wrong. */
function parseBody(body: Record<string, unknown>, max: number): { siteKey: string; token?: string; user?: IdentityClaim } | null {
  const { siteKey, token, user } = body;
  if (typeof siteKey !== 'string' || siteKey.length === 0 || siteKey.length > 128) return null;
  if (token !== undefined && token !== null && (typeof token !== 'string' || token.length > 2048)) return null;
  const out: { siteKey: string; token?: string; user?: IdentityClaim } = { siteKey };
  if (typeof token === 'string') out.token = token;
  if (user !== undefined && user !== null) {
    if (typeof user !== 'object' || Array.isArray(user)) return null;
    const claim: IdentityClaim = {};
    for (const key of ['userId', 'userHash', 'name', 'email'] as const) {
      const value = (user as Record<string, unknown>)[key];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' || value.length > max) return null;
      claim[key] = value;
    }
    if (claim.userId === undefined) return null;
    out.user = claim;
  }
  return out;
}

/** Handles `POST /api/visitors`. */
export async function handleVisitors(req: IncomingMessage, res: ServerResponse, deps: VisitorsApiDeps): Promise<void> {
  const origin = req.headers.origin;
  let input: ReturnType<typeof parseBody>;
  try {
    input = parseBody(await readJsonObject(req, deps.maxBodyBytes, true), deps.maxFieldLength);
  } catch (error) {
    if (error instanceof BadRequestError) return sendBadRequest(res, error, NO_GRANT);
    throw error;
  }
  if (!input) return sendJson(res, 400, { error: 'bad_request' }, NO_GRANT);

  const site = await deps.storage.getSiteByKey(input.siteKey);
  if (!site) {
    deps.refusals.refused('unknown_site', input.siteKey, origin);
    return sendJson(res, 404, { error: 'unknown_site' }, NO_GRANT);
  }
  if (!origin || !isOriginAllowed(site.allowedOrigins, origin)) {
    deps.refusals.refused('origin_not_allowed', input.siteKey, origin);
    return sendJson(res, 403, { error: 'origin_not_allowed' }, NO_GRANT);
  }
  const headers = grant(origin);

  const now = Date.now();
  let visitor: Visitor | null = null;
  let token: string | null = null;
  if (input.token) {
    const payload = verifyToken(input.token, deps.secret);
    if (payload && payload.k === 'v' && payload.site === site.id) {
      visitor = await deps.storage.getVisitor(payload.sub);
      if (visitor) token = input.token;
    }
  }
  if (!visitor) {
    const waitMs = deps.visitorLimiter.take(clientKey(req, deps.trustProxyHops), now);
    if (waitMs > 0) {
      return sendJson(res, 429, { error: 'too_many_requests' }, { ...headers, 'Retry-After': String(Math.ceil(waitMs / 1000)) });
    }
    visitor = await createAnonymousVisitor(deps.storage, site.id, now);
  }

  if (input.user) {
    try {
      const result = await applyIdentityOrStartOver(deps.storage, site, visitor.id, input.user, now);
      if (result.switched) token = null;
      visitor = result.visitor;
    } catch (error) {
      if (error instanceof ParleyError && error.code === 'identity_invalid') {
        return sendJson(res, 403, { error: 'identity_invalid' }, headers);
      }
      throw error;
    }
  }
  token ??= issueVisitorToken(deps.secret, visitor.id, site.id, now);
  sendJson(res, 200, { token, visitorId: visitor.id }, headers);
}
