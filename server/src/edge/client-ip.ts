/**
 * Who a request comes from, as a key for per-address limits. An IPv6 client usually holds a
 * whole /64, so it is counted by that prefix: otherwise one machine could rotate through
 * billions of addresses and never meet a limit. Behind trusted reverse proxies the address is
 * read from `X-Forwarded-For`, counting `trustProxyHops` entries from the right (the ones the
 * proxies appended); entries further left were written by the client and prove nothing.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The limit key of a request's client: an IPv4 address or an IPv6 /64 prefix. */
export function clientKey(req: IncomingMessage, trustProxyHops = 0): string {
  return addressKey(clientAddress(req, trustProxyHops));
}

/** The client's address: the socket peer, or the forwarded one behind trusted proxies. */
export function clientAddress(req: IncomingMessage, trustProxyHops = 0): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const list = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // The last proxy's peer is the socket; each trusted hop before it appended one entry.
  const forwarded = list[list.length - trustProxyHops];
  return forwarded !== undefined && isIP(forwarded) !== 0 ? forwarded : peer;
}

/** An IPv4 address as is (also when IPv4-mapped), an IPv6 address as its /64 prefix. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address, without leading zeros (zone id dropped). */
function expandIpv6(address: string): string[] {
  const [plain] = address.toLowerCase().split('%');
  const [head, tail] = plain!.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`::1.2.3.4`) is two hextets; only the first four matter here.
  const zeros = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...(tail === undefined ? [] : zeros), ...right].map((h) => (h.includes('.') ? h : parseInt(h, 16).toString(16)));
}
