import { describe, expect, it } from 'vitest';
import { chooseCoding } from './content-coding.js';

describe('content coding', () => {
  it('prefers brotli, then gzip, among the codings a file has', () => {
    expect(chooseCoding('gzip, deflate, br, zstd', ['br', 'gzip'])).toBe('br');
    expect(chooseCoding('gzip, deflate, br, zstd', ['gzip'])).toBe('gzip');
    expect(chooseCoding('gzip, deflate, br, zstd', [])).toBe('identity');
  });

  it('lets the client weigh codings and refuse one with q=0', () => {
    expect(chooseCoding('br;q=0.4, gzip;q=0.8', ['br', 'gzip'])).toBe('gzip');
    expect(chooseCoding('br;q=0, gzip', ['br', 'gzip'])).toBe('gzip');
    expect(chooseCoding('BR;Q=0, GZIP;Q=0', ['br', 'gzip'])).toBe('identity');
    expect(chooseCoding('*;q=0', ['br', 'gzip'])).toBe('identity');
    expect(chooseCoding('*, br;q=0', ['br', 'gzip'])).toBe('gzip');
  });

  it('sends the plain bytes when the client names no coding it can decode', () => {
    expect(chooseCoding(undefined, ['br', 'gzip'])).toBe('identity');
    expect(chooseCoding('', ['br', 'gzip'])).toBe('identity');
    expect(chooseCoding('identity', ['br', 'gzip'])).toBe('identity');
    expect(chooseCoding('br;q=banana', ['br'])).toBe('identity');
  });
});
