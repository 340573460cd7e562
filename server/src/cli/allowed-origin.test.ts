import { describe, expect, it } from 'vitest';
import { OptionsError } from '../options.js';
import { originMatches } from '../origin.js';
import { checkAllowedOrigin, parseAllowedOrigins } from './allowed-origin.js';

/** The normalised entry, or the reason it was refused. */
function check(value: string): string {
  const result = checkAllowedOrigin(value);
  return result.ok ? result.origin : `refused: ${result.reason}`;
}

describe('checkAllowedOrigin', () => {
  it('accepts exact origins and normalises them', () => {
    expect(check('https://shop.example')).toBe('https://shop.example');
    expect(check(' HTTPS://Shop.Example:443/ ')).toBe('https://shop.example');
    expect(check('http://localhost:3000')).toBe('http://localhost:3000');
    expect(check('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(check('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(check('https://bücher.example')).toBe('https://xn--bcher-kva.example');
  });

  it('accepts a * port and a *. first label, which the relay then matches', () => {
    expect(check('http://localhost:*')).toBe('http://localhost:*');
    expect(check('https://*.shop.example')).toBe('https://*.shop.example');
    expect(originMatches(check('https://*.shop.example'), 'https://eu.shop.example')).toBe(true);
    expect(originMatches(check('http://localhost:*'), 'http://localhost:5173')).toBe(true);
    expect(originMatches(check('HTTPS://Shop.example:443'), 'https://shop.example')).toBe(true);
  });

  it('refuses paths, bare hosts, lone wildcards and other schemes with a reason', () => {
    expect(check('https://shop.example/cart')).toMatch(/refused: has a path/);
    expect(check('https://shop.example?x=1')).toMatch(/refused: has a path/);
    expect(check('shop.example')).toBe('refused: is not an origin; write it with its scheme, e.g. https://shop.example');
    expect(check('shop.example/cart')).toBe('refused: is not an origin; write it with its scheme, e.g. https://shop.example');
    expect(check('*')).toMatch(/refused: would allow every site/);
    expect(check('https://*')).toMatch(/refused: would allow every site/);
    expect(check('https://*.com')).toMatch(/refused: would allow every site under com/);
    expect(check('https://a*.shop.example')).toMatch(/refused: has a \*/);
    expect(check('https://*.*.shop.example')).toMatch(/refused: has a \*/);
    expect(check('ftp://shop.example')).toMatch(/refused: is not http or https/);
    expect(check('https://user@shop.example')).toMatch(/refused: has a user name/);
    expect(check('https://shop.example:99999')).toMatch(/refused: has an invalid port/);
    expect(check('https://shop example')).toMatch(/refused: has an invalid host/);
    expect(check('https://')).toMatch(/refused: has no host/);
    expect(check('null')).toMatch(/refused: is not an origin/);
  });
});

describe('parseAllowedOrigins', () => {
  it('returns a comma-separated list normalised and without repeats', () => {
    expect(parseAllowedOrigins('https://shop.example, https://SHOP.example/,https://*.shop.example', '--origins')).toEqual([
      'https://shop.example',
      'https://*.shop.example',
    ]);
  });

  it('throws one error naming every refused entry', () => {
    const attempt = () => parseAllowedOrigins('https://ok.example,shop.example,https://x.example/path', '--origins');
    expect(attempt).toThrow(OptionsError);
    expect(attempt).toThrow(/--origins: refused 2 origins:\n {2}shop\.example is not an origin.*\n {2}https:\/\/x\.example\/path has a path/);
    expect(() => parseAllowedOrigins(' , ', '--origins')).toThrow(/needs at least one origin/);
  });
});
