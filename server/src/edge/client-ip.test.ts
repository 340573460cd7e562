import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientKey } from './client-ip.js';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('clientKey', () => {
  it('counts an IPv6 client by its /64 and an IPv4-mapped one by its IPv4 address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb::9'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientKey(request('10.0.0.1', '1.2.3.4'))).toBe('10.0.0.1');
    expect(clientKey(request('10.0.0.1', '1.2.3.4'), 1)).toBe('1.2.3.4');
  });

  it('reads only the entries trusted proxies appended, never what the client wrote', () => {
    expect(clientKey(request('10.0.0.1', 'spoofed, 5.6.7.8'), 1)).toBe('5.6.7.8');
    expect(clientKey(request('10.0.0.1', '9.9.9.9, 5.6.7.8, 10.0.0.2'), 2)).toBe('5.6.7.8');
    expect(clientKey(request('10.0.0.1', 'garbage'), 1)).toBe('10.0.0.1');
  });
});
