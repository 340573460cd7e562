/**
 * `GET /metrics`: who may read it, and its answer. By default only a scraper on this machine: the
 * socket's peer is 127.0.0.1 or ::1 and the request names no forwarding header (a reverse proxy
 * on the same machine connects from there too, and must not open the metrics to the internet). With `PARLEY_METRICS_TOKEN` set, `Authorization: Bearer <token>` is also let in,
 * from anywhere. On a port of its own (`PARLEY_METRICS_PORT`) every client is let in unless a
 * token is set: that port's reach is the operator's choice.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from '../http/respond.js';
import { EXPOSITION_CONTENT_TYPE } from './registry.js';

/** What the endpoint needs. */
export interface MetricsEndpointDeps {
  /** The exposition text. */
  encode(): string;
  /** The bearer token that opens the metrics to any client; null: loopback only. */
  token: string | null;
  /** True on the metrics' own port, where any client is let in when no token is set. */
  ownPort: boolean;
}

/** Headers a reverse proxy adds; a request carrying one did not come from this machine's own scraper. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * True for this machine's own address: 127.0.0.1 (also IPv4-mapped) and ::1. The rest of
 * 127.0.0.0/8 is left out: nothing scrapes from there, and it keeps the rule one address each.
 */
export function isLocalScraper(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** True when `req` may read the metrics. */
export function mayReadMetrics(req: IncomingMessage, deps: Pick<MetricsEndpointDeps, 'token' | 'ownPort'>): boolean {
  if (deps.token !== null && bearerMatches(req.headers.authorization, deps.token)) return true;
  if (deps.ownPort && deps.token === null) return true;
  return isLocalScraper(req.socket.remoteAddress) && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  // Compared as digests: equal lengths for timingSafeEqual, and no timing hint of the token's length.
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/** Answers a request for `/metrics` (GET or HEAD). */
export function handleMetrics(req: IncomingMessage, res: ServerResponse, deps: MetricsEndpointDeps): void {
  if (!mayReadMetrics(req, deps)) return sendJson(res, 403, { error: 'forbidden' });
  const body = deps.encode();
  res.writeHead(200, {
    'Content-Type': EXPOSITION_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The metrics' own HTTP server: `/metrics` and nothing else. */
export function startMetricsServer(port: number, host: string, deps: Omit<MetricsEndpointDeps, 'ownPort'>): Promise<{ server: Server; port: number }> {
  const own: MetricsEndpointDeps = { ...deps, ownPort: true };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
    handleMetrics(req, res, own);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
