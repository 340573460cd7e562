import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact.js';

describe('redactUrl', () => {
  it('keeps the path and never the query or fragment', () => {
    expect(redactUrl('/ws?token=abc.def')).toBe('/ws?[redacted]');
    expect(redactUrl('/api/visitors#token=abc')).toBe('/api/visitors?[redacted]');
    expect(redactUrl('/healthz')).toBe('/healthz');
    expect(redactUrl(undefined)).toBe('');
  });
});
