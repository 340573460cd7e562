import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { waitForLauncher } from './harness/widget.js';

const e2e = useE2E();

describe('built bundles as the relay serves them', () => {
  it('serves the loader with the headers a cross-origin script tag needs', async () => {
    const { relay } = e2e();
    const response = await fetch(`${relay.origin}/parley.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await response.text()).length).toBeGreaterThan(0);
  });

  it('serves the widget core for a cross-origin module import', async () => {
    const { relay, host } = e2e();
    const response = await fetch(`${relay.origin}/widget/core.js`, { headers: { Origin: host.origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('gives a browser the loader and the core in brotli, and nothing else before the widget opens', async () => {
    const { relay, host, visitor } = e2e();
    const { context, page } = await visitor();
    const fetched: Promise<{ path: string; status: number; coding: string | undefined; wireBytes: number }>[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin !== relay.origin || !/\.js$/.test(url.pathname)) return;
      fetched.push(
        response.request().sizes().then((sizes) => ({
          path: url.pathname,
          status: response.status(),
          coding: response.headers()['content-encoding'],
          wireBytes: sizes.responseBodySize,
        })),
      );
    });
    try {
      await page.goto(host.page('/wire', hostPage(relay.origin)));
      await waitForLauncher(page);
      const scripts = await Promise.all(fetched);
      // What `npm run size` counts as "before the widget opens" (scripts/size.mjs): the loader and the core.
      expect(scripts.map(({ path, status, coding }) => ({ path, status, coding }))).toEqual([
        { path: '/parley.js', status: 200, coding: 'br' },
        { path: '/widget/core.js', status: 200, coding: 'br' },
      ]);
      const raw = await (await fetch(`${relay.origin}/widget/core.js`, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer();
      expect(scripts[1]!.wireBytes).toBeLessThan(raw.byteLength / 2);

      // A second visit revalidates the loader with its entity tag and gets no body back (a 304).
      const again = await context.newPage();
      const revalidated: Promise<{ ifNoneMatch: string | undefined; wireBytes: number }>[] = [];
      again.on('response', (response) => {
        if (response.url() !== `${relay.origin}/parley.js`) return;
        revalidated.push(
          Promise.all([response.request().allHeaders(), response.request().sizes()]).then(([headers, sizes]) => ({
            ifNoneMatch: headers['if-none-match'],
            wireBytes: sizes.responseBodySize,
          })),
        );
      });
      await again.goto(host.page('/wire-again', hostPage(relay.origin)));
      await waitForLauncher(again);
      const loaderTag = (await fetch(`${relay.origin}/parley.js`, { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } })).headers.get('etag');
      expect(await Promise.all(revalidated)).toEqual([{ ifNoneMatch: loaderTag, wireBytes: 0 }]);
    } finally {
      await context.close();
    }
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
