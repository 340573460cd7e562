/**
 * A tiny static web server standing in for a customer's website: it serves test pages from
 * strings, on its own loopback port (so its origin differs from the relay's), with whatever
 * headers a test needs (a strict Content-Security-Policy, for one). It also collects the CSP
 * violation reports browsers POST to {@link CSP_REPORT_PATH}.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where pages may send `report-uri` CSP reports. */
export const CSP_REPORT_PATH = '/__csp-report';

/** One file the host server serves. */
export interface HostRoute {
  body: string;
  /** Defaults to `text/html; charset=utf-8`. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** The running host-page server. */
export interface HostServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Serves `route` at `path` (replacing any earlier route there) and returns its full URL. */
  route(path: string, route: HostRoute): string;
  /** Shorthand for an HTML page with optional extra headers. */
  page(path: string, html: string, headers?: Record<string, string>): string;
  /** The CSP violation reports received so far (parsed JSON bodies). */
  readonly cspReports: unknown[];
  close(): Promise<void>;
}

/** Starts the host-page server on a free loopback port. */
export async function startHostServer(): Promise<HostServer> {
  const routes = new Map<string, HostRoute>();
  const cspReports: unknown[] = [];

  const serverOnRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://host.invalid').pathname;
    if (req.method === 'POST' && path === CSP_REPORT_PATH) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        try {
          cspReports.push(JSON.parse(body));
        } catch {
          cspReports.push(body);
        }
        res.writeHead(204).end();
      });
      return;
    }
    if (path === '/favicon.ico') {
      // Browsers ask for it on their own; answering keeps console errors to what the page does.
      res.writeHead(204).end();
      return;
    }
    const route = routes.get(path);
    if (!route || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': route.contentType ?? 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...route.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : route.body);
  };

  const server = createServer(serverOnRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const route = (path: string, served: HostRoute): string => {
    routes.set(path, served);
    return `${origin}${path}`;
  };
  return {
    origin,
    cspReports,
    route,
    page: (path, html, headers) => route(path, { body: html, ...(headers ? { headers } : {}) }),
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
