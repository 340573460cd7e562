import { describe, expect, it } from 'vitest';
import { cacheControl, contentType, safeJoin } from './static-files.js';

describe('static files', () => {
  it('keeps paths inside their folder', () => {
    expect(safeJoin('/srv/dist', 'core.js')).toBe('/srv/dist/core.js');
    expect(safeJoin('/srv/dist', '../secret')).toBeNull();
    expect(safeJoin('/srv/dist', '%2e%2e/secret')).toBeNull();
    expect(safeJoin('/srv/dist', 'a%00b')).toBeNull();
    expect(safeJoin('/srv/dist', '%E0%A4%A')).toBeNull();
    expect(safeJoin('/srv/dist', '..%5csecret')).toBeNull();
  });

  it('never serves hidden files or folders', () => {
    expect(safeJoin('/srv/dist', '.env')).toBeNull();
    expect(safeJoin('/srv/dist', 'a/%2egit/config')).toBeNull();
  });

  it('caches hashed chunks for a year and revalidates the rest', () => {
    expect(cacheControl('ui-Bx3_k9-Q.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControl('core.js')).toBe('no-cache');
    expect(cacheControl('parley.js')).toBe('no-cache');
  });

  it('names JavaScript with its charset', () => {
    expect(contentType('core.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('x.unknown')).toBe('application/octet-stream');
  });
});
