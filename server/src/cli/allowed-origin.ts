/**
 * Checks the origins an operator gives a site (`parley site add --origins`, `site origins --add`)
 * before they reach the allowlist. The relay's matcher (`origin.ts`) quietly never matches an
 * entry it cannot read, so a typo there would only show as a widget that never loads; here each
 * entry is refused with the reason instead. Accepted: `scheme://host[:port]` for http and https,
 * with a `*` port (`http://localhost:*`) or a `*.` first label (`https://*.shop.example`).
 * Entries come back normalised: lower case, no default port, no trailing slash.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { OptionsError } from '../options.js';

/** One checked entry: the normalised origin or pattern, or why it was refused. */
export type AllowedOriginCheck = { ok: true; origin: string } | { ok: false; reason: string };

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };
const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** True for a host name or IPv4 address a browser could put in an `Origin` header. */
function isHostName(host: string): boolean {
  return host.length <= 253 && (isIPv4(host) || host.split('.').every((label) => LABEL.test(label)));
}

/** Why `host` (the part before any port) cannot be allowed, or its normalised form. */
function checkHost(host: string): AllowedOriginCheck {
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    return host.endsWith(']') && isIPv6(inner) ? { ok: true, origin: `[${inner.toLowerCase()}]` } : { ok: false, reason: 'has a malformed IPv6 address' };
  }
  if (host === '*') return { ok: false, reason: 'would allow every site; name the domain, e.g. https://*.shop.example' };
  const wildcard = host.startsWith('*.');
  const named = wildcard ? host.slice(2) : host;
  if (named.includes('*')) return { ok: false, reason: 'has a * that is not the whole first label (write https://*.shop.example)' };
  // Browsers send internationalised names in their ASCII (punycode) form; '' means not a name.
  const ascii = domainToASCII(named);
  if (!ascii || !isHostName(ascii)) return { ok: false, reason: `has an invalid host ${JSON.stringify(named)}` };
  if (wildcard && (isIPv4(ascii) || (!ascii.includes('.') && ascii !== 'localhost'))) {
    return { ok: false, reason: `would allow every site under ${ascii}; name a domain you own, e.g. https://*.shop.example` };
  }
  return { ok: true, origin: wildcard ? `*.${ascii}` : ascii };
}

/** Checks one allowlist entry. */
export function checkAllowedOrigin(value: string): AllowedOriginCheck {
  const trimmed = value.trim();
  const parts = /^([^:/?#]+):\/\/([^/?#]*)(.*)$/.exec(trimmed);
  if (!parts) {
    if (trimmed === '*') return { ok: false, reason: 'would allow every site; list the origins of your site' };
    // Suggest the host alone: a path after it would be refused next.
    const host = trimmed.replace(/^\/+/, '').split(/[/?#]/)[0];
    return { ok: false, reason: `is not an origin; write it with its scheme, e.g. https://${host || 'shop.example'}` };
  }
  const scheme = parts[1]!.toLowerCase();
  const authority = parts[2]!.toLowerCase();
  const tail = parts[3]!;
  if (tail !== '' && tail !== '/') return { ok: false, reason: 'has a path, query or fragment; an origin is only scheme://host[:port]' };
  if (!(scheme in DEFAULT_PORTS)) return { ok: false, reason: 'is not http or https; only web pages embed the widget' };
  if (authority.includes('@')) return { ok: false, reason: 'has a user name; an origin is only scheme://host[:port]' };

  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::([^:]*))?$/.exec(authority);
  if (!hostPort || !hostPort[1]) return { ok: false, reason: 'has no host' };
  const port = hostPort[2];
  if (port !== undefined && port !== '*' && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return { ok: false, reason: 'has an invalid port; use a number from 1 to 65535 or *' };
  }
  const host = checkHost(hostPort[1]);
  if (!host.ok) return host;
  const portPart = port === undefined || Number(port) === Number(DEFAULT_PORTS[scheme]) ? '' : `:${port === '*' ? '*' : Number(port)}`;
  return { ok: true, origin: `${scheme}://${host.origin}${portPart}` };
}

/**
 * Checks a comma-separated list of entries, returning them normalised and without repeats.
 * Throws one `OptionsError` naming every refused entry and why, so a command changes nothing
 * unless the whole list is good.
 */
export function parseAllowedOrigins(list: string, flag: string): string[] {
  const entries = list.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new OptionsError(`${flag} needs at least one origin, e.g. https://shop.example`);
  const accepted: string[] = [];
  const refused: string[] = [];
  for (const entry of entries) {
    const check = checkAllowedOrigin(entry);
    if (check.ok) accepted.push(check.origin);
    else refused.push(`  ${entry} ${check.reason}`);
  }
  if (refused.length > 0) {
    throw new OptionsError(`${flag}: refused ${refused.length === 1 ? 'an origin' : `${refused.length} origins`}:\n${refused.join('\n')}`);
  }
  return [...new Set(accepted)];
}
