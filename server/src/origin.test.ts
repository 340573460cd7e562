import { describe, expect, it } from 'vitest';
import { isOriginAllowed, normalizeOrigin, originMatches } from './origin.js';

describe('originMatches', () => {
  it('matches exact origins, ignoring case and default ports', () => {
    expect(originMatches('https://shop.example', 'https://shop.example')).toBe(true);
    expect(originMatches('https://shop.example', 'HTTPS://Shop.Example:443')).toBe(true);
    expect(originMatches('https://shop.example', 'http://shop.example')).toBe(false);
    expect(originMatches('https://shop.example', 'https://shop.example:8443')).toBe(false);
  });

  it('matches any port with a * port', () => {
    expect(originMatches('http://localhost:*', 'http://localhost:5173')).toBe(true);
    expect(originMatches('http://localhost:*', 'http://localhost')).toBe(true);
    expect(originMatches('http://localhost:*', 'http://localhost.evil.example:80')).toBe(false);
    expect(originMatches('http://localhost:*', 'https://localhost:5173')).toBe(false);
  });

  it('matches subdomains, but not the bare domain, with a * subdomain', () => {
    expect(originMatches('https://*.example.com', 'https://a.example.com')).toBe(true);
    expect(originMatches('https://*.example.com', 'https://a.b.example.com')).toBe(true);
    expect(originMatches('https://*.example.com', 'https://example.com')).toBe(false);
    expect(originMatches('https://*.example.com', 'https://evilexample.com')).toBe(false);
  });

  it('never matches garbage or the null origin', () => {
    expect(originMatches('http://localhost:*', 'null')).toBe(false);
    expect(originMatches('http://localhost:*', 'http://localhost:5173/path')).toBe(false);
    expect(originMatches('http://*', 'http://*')).toBe(false);
  });
});

describe('isOriginAllowed', () => {
  it('refuses a missing origin', () => {
    expect(isOriginAllowed(['http://localhost:*'], undefined)).toBe(false);
  });

  it('accepts an origin matching any entry', () => {
    expect(isOriginAllowed(['https://a.example', 'http://localhost:*'], 'http://localhost:3000')).toBe(true);
  });
});

describe('normalizeOrigin', () => {
  it('drops default ports and lower-cases', () => {
    expect(normalizeOrigin('HTTP://Example.com:80/')).toBe('http://example.com');
    expect(normalizeOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    expect(normalizeOrigin('nope')).toBeNull();
  });
});
