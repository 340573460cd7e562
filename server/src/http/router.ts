/**
 * The relay's HTTP routes: health, readiness, metrics, the widget's files, the console, the demo page and the JSON
 * API. Anything that throws answers 500 and is logged; it never takes the relay down. A store that
 * cannot be reached right now answers 503 with `Retry-After` instead: the request was fine, send
 * it again in a few seconds.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ERROR_CATALOG } from '@parley/protocol';
import { redactUrl } from '../edge/redact.js';
import type { Logger } from '../log.js';
import { handleMetrics, type MetricsEndpointDeps } from '../metrics/metrics-endpoint.js';
import type { AssetPaths } from '../paths.js';
import { isStoreUnavailable, logStoreUnavailable, STORE_RETRY_AFTER_S } from '../storage/store-unavailable.js';
import { CONSOLE_CSP, sendConsolePage } from './console-page.js';
import { sendDemoPage, sendScriptTagExample } from './demo-page.js';
import { handleLogin, handleLogout, type LoginApiDeps } from './login-api.js';
import { sendJson, sendText } from './respond.js';
import { CONSOLE_SECURITY_HEADERS } from './security-headers.js';
import { safeJoin, serveFile } from './static-files.js';
import { sendViewerPage } from './viewer-page.js';
import { handleVisitors, type VisitorsApiDeps } from './visitors-api.js';

/** What the routes need. */
export interface HttpDeps extends LoginApiDeps, VisitorsApiDeps {
  paths: AssetPaths;
  version: string;
  demoSiteKey: string;
  log: Logger;
  /** The relay's public origin (known once listening). */
  publicOrigin(): string;
  /** Answers `/readyz` (see `health.ts`). */
  readiness(res: ServerResponse): Promise<void>;
  /** `/metrics` on this port; null when it has a port of its own (`PARLEY_METRICS_PORT`). */
  metrics: MetricsEndpointDeps | null;
}

/** Files the widget loads cross-origin from the host page. */
const CROSS_ORIGIN = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

/** The console's own files get its policy too, in case one is ever an HTML page. */
const CONSOLE_FILE_HEADERS = { ...CONSOLE_SECURITY_HEADERS, 'Content-Security-Policy': CONSOLE_CSP };

/** Builds the request listener of the relay's HTTP server. */
export function createRequestListener(deps: HttpDeps): RequestListener {
  return (req, res) => {
    route(req, res, deps).catch((error: unknown) => {
      const unavailable = isStoreUnavailable(error);
      // The query string may carry a token: only the path is ever logged.
      if (unavailable) logStoreUnavailable(deps.log, `${req.method} ${redactUrl(req.url)}`, error);
      else deps.log.error('request failed', { method: req.method, url: redactUrl(req.url), error });
      if (res.headersSent) res.destroy();
      else if (unavailable) sendJson(res, 503, { error: 'unavailable', message: ERROR_CATALOG.unavailable.message }, { 'Retry-After': String(STORE_RETRY_AFTER_S) });
      else sendJson(res, 500, { error: 'internal' });
    });
  };
}

async function route(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const method = req.method ?? 'GET';
  let path: string;
  try {
    path = new URL(req.url ?? '/', 'http://relay.invalid').pathname;
  } catch {
    return sendText(res, 400, 'Bad request\n');
  }

  if (path === '/api/visitors') {
    // The widget posts a CORS simple request; a preflight is never granted (it names no site).
    if (method === 'POST') return handleVisitors(req, res, deps);
    return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'POST' });
  }
  if (path === '/api/login') {
    if (method === 'POST') return handleLogin(req, res, deps);
    return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'POST' });
  }
  if (path === '/api/logout') {
    if (method === 'POST') return handleLogout(req, res, deps);
    return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'POST' });
  }
  if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });

  if (path === '/healthz') return sendJson(res, 200, { ok: true, version: deps.version });
  if (path === '/readyz') return deps.readiness(res);
  if (path === '/metrics' && deps.metrics) return handleMetrics(req, res, deps.metrics);
  // Browsers ask every origin for an icon; an empty answer keeps a 404 out of their consoles.
  if (path === '/favicon.ico') {
    res.writeHead(204, { 'Cache-Control': 'public, max-age=86400' });
    return void res.end();
  }
  if (path === '/parley.js') return serveFile(req, res, join(deps.paths.widgetDir, 'parley.js'), CROSS_ORIGIN);
  if (path.startsWith('/widget/')) {
    return serveFile(req, res, safeJoin(join(deps.paths.widgetDir, 'widget'), path.slice('/widget/'.length)), CROSS_ORIGIN);
  }
  if (path === '/console') {
    res.writeHead(301, { Location: '/console/', 'Content-Length': 0 });
    return void res.end();
  }
  if (path === '/console/' || path === '/console/index.html') return sendConsolePage(req, res, deps.paths.consoleDir);
  if (path === '/console/viewer.html') return sendViewerPage(req, res);
  if (path.startsWith('/console/')) {
    return serveFile(req, res, safeJoin(deps.paths.consoleDir, path.slice('/console/'.length)), CONSOLE_FILE_HEADERS);
  }
  if (path === '/' || path === '/index.html') {
    return sendDemoPage(req, res, deps.paths.demoDir, deps.publicOrigin(), deps.demoSiteKey);
  }
  if (path === '/examples/script-tag' || path === '/examples/script-tag/') {
    if (await sendScriptTagExample(req, res, deps.paths.demoDir, deps.publicOrigin(), deps.demoSiteKey)) return;
  }
  if (path.startsWith('/demo/')) return serveFile(req, res, safeJoin(deps.paths.demoDir, path.slice('/demo/'.length)));
  return sendText(res, 404, 'Not found\n');
}
