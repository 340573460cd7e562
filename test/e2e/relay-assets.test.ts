import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';

const e2e = useE2E();

describe('built bundles as the relay serves them', () => {
  it('serves the loader with the headers a cross-origin script tag needs', async () => {
    const { relay } = e2e();
    const response = await fetch(`${relay.origin}/parley.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await response.text()).length).toBeGreaterThan(0);
  });

  it('serves the widget core for a cross-origin module import', async () => {
    const { relay, host } = e2e();
    const response = await fetch(`${relay.origin}/widget/core.js`, { headers: { Origin: host.origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the console page with its strict policy and no inline code', async () => {
    const { relay } = e2e();
    const redirect = await fetch(`${relay.origin}/console`, { redirect: 'manual' });
    expect(redirect.status).toBeGreaterThanOrEqual(301);
    expect(redirect.status).toBeLessThanOrEqual(308);
    expect(redirect.headers.get('location')).toMatch(/\/console\/$/);
    const response = await fetch(`${relay.origin}/console/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await response.text();
    expect(html).toContain('<title>Parley console</title>');
    expect(html).toContain('<script type="module" src="/console/console.js"></script>');
    // Only scripts with a src: no inline code, no inline style.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=/);
    expect((await fetch(`${relay.origin}/console/console.js`)).status).toBe(200);
  });

  it('answers the health check', async () => {
    const { relay } = e2e();
    const response = await fetch(`${relay.origin}/healthz`);
    expect(await response.json()).toEqual({ ok: true, version: '0.1.0' });
  });
});
