/**
 * Origin allowlists. A site names the origins that may embed it: exact origins
 * (`https://shop.example`) or patterns with a `*` port (`http://localhost:*`) or a `*` leading
 * subdomain (`https://*.example.com`, which matches `a.example.com` and `a.b.example.com` but not
 * `example.com` itself).
 */

interface OriginParts {
  scheme: string;
  host: string;
  /** The port as written, or the scheme's default. */
  port: string;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };

/** Splits `scheme://host[:port]`; null for anything else (paths, `null`, garbage). */
function split(value: string): OriginParts | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^/:?#[\]@]+)(?::(\d+|\*))?\/?$/i.exec(value.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  return { scheme, host: match[2]!.toLowerCase(), port: match[3] ?? DEFAULT_PORTS[scheme] ?? '' };
}

/** Normalises an origin (lower case, no default port, no trailing slash); null when it is not one. */
export function normalizeOrigin(value: string): string | null {
  const parts = split(value);
  if (!parts || parts.host.includes('*') || parts.port === '*') return null;
  const port = parts.port === DEFAULT_PORTS[parts.scheme] ? '' : `:${parts.port}`;
  return `${parts.scheme}://${parts.host}${port}`;
}

/** True when `origin` matches one allowlist entry (exact, or with a `*` port or subdomain). */
export function originMatches(pattern: string, origin: string): boolean {
  const want = split(pattern);
  const got = split(origin);
  if (!want || !got || got.host.includes('*') || got.port === '*') return false;
  if (want.scheme !== got.scheme) return false;
  if (want.port !== '*' && want.port !== got.port) return false;
  if (want.host.startsWith('*.')) {
    const suffix = want.host.slice(1);
    return got.host.endsWith(suffix) && got.host.length > suffix.length;
  }
  return want.host === got.host;
}

/** True when `origin` (a request's `Origin` header) is in the allowlist. A missing origin never is. */
export function isOriginAllowed(allowlist: readonly string[], origin: string | undefined): boolean {
  if (!origin) return false;
  return allowlist.some((pattern) => originMatches(pattern, origin));
}
