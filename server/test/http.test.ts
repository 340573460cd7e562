import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../src/http/console-page.js';
import { PAGE_ORIGIN, postJson, startTestRelay, type TestRelay } from './relay-harness.js';

describe('relay HTTP', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'parley-assets-'));
    const paths = { widgetDir: join(root, 'widget'), consoleDir: join(root, 'console'), demoDir: join(root, 'demo') };
    await mkdir(join(paths.widgetDir, 'widget'), { recursive: true });
    await mkdir(paths.consoleDir, { recursive: true });
    await mkdir(paths.demoDir, { recursive: true });
    await writeFile(join(paths.widgetDir, 'parley.js'), 'console.log("loader")');
    await writeFile(join(paths.widgetDir, 'widget', 'core.js'), 'export {}');
    await writeFile(join(paths.widgetDir, 'widget', 'ui-AbCd12_-.js'), 'export {}');
    await writeFile(join(paths.consoleDir, 'console.js'), 'export {}');
    await writeFile(join(paths.demoDir, 'index.html'), '<script src="__PARLEY_ORIGIN__/parley.js" data-site-key="__PARLEY_SITE_KEY__"></script>');
    relay = await startTestRelay({ paths });
  });
  afterAll(() => relay.stop());

  it('reports health', async () => {
    const res = await fetch(`${relay.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true, version: '0.1.0' });
  });

  it('answers the browser icon request with an empty 204 instead of a 404', async () => {
    const res = await fetch(`${relay.url}/favicon.ico`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('serves the loader and widget chunks cross-origin with their cache policy', async () => {
    const loader = await fetch(`${relay.url}/parley.js`);
    expect(loader.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(loader.headers.get('access-control-allow-origin')).toBe('*');
    expect(loader.headers.get('cache-control')).toBe('no-cache');
    expect(loader.headers.get('x-content-type-options')).toBe('nosniff');
    const chunk = await fetch(`${relay.url}/widget/ui-AbCd12_-.js`);
    expect(chunk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(chunk.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(`${relay.url}/widget/core.js`)).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${relay.url}/widget/..%2f..%2fparley.js`)).status).toBe(404);
  });

  it('serves the console page with a strict CSP and redirects /console', async () => {
    const page = await fetch(`${relay.url}/console/`);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    const html = await page.text();
    expect(html).toContain('<title>Parley console</title>');
    expect(html).toContain('<script type="module" src="/console/console.js"></script>');
    expect(html).not.toMatch(/<script>|<style/);
    const redirect = await fetch(`${relay.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
  });

  it('fills the demo page with the relay origin and site key', async () => {
    const html = await (await fetch(`${relay.url}/`)).text();
    expect(html).toBe(`<script src="${relay.publicOrigin}/parley.js" data-site-key="demo"></script>`);
  });

  it('issues visitor tokens to allowed origins only, with CORS', async () => {
    const ok = await postJson(relay, '/api/visitors', { siteKey: 'demo' }, { Origin: PAGE_ORIGIN });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(ok.headers.get('vary')).toBe('Origin');
    const kept = await postJson(relay, '/api/visitors', { siteKey: 'demo', token: ok.body.token }, { Origin: PAGE_ORIGIN });
    expect(kept.body).toEqual(ok.body);

    expect(await postJson(relay, '/api/visitors', { siteKey: 'demo' }, { Origin: 'https://evil.example' })).toMatchObject({ status: 403, body: { error: 'origin_not_allowed' } });
    expect(await postJson(relay, '/api/visitors', { siteKey: 'nope' }, { Origin: PAGE_ORIGIN })).toMatchObject({ status: 404, body: { error: 'unknown_site' } });
    expect(await postJson(relay, '/api/visitors', '{bad', { Origin: PAGE_ORIGIN })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });

  it('signs agents in and limits failed attempts per IP', async () => {
    const bad = await postJson(relay, '/api/login', { email: 'admin@localhost', password: 'wrong' });
    expect(bad).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    for (let i = 0; i < 9; i++) await postJson(relay, '/api/login', { email: 'nobody@example.com', password: 'x' });
    const limited = await postJson(relay, '/api/login', { email: 'admin@localhost', password: 'correct horse battery staple' });
    expect(limited.status).toBe(429);
  });
});

describe('relay HTTP login', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(() => relay.stop());

  it('returns a token and the agent profile without credentials', async () => {
    const res = await postJson(relay, '/api/login', { email: 'ADMIN@localhost', password: 'correct horse battery staple' });
    expect(res.status).toBe(200);
    expect(res.body.agent).toEqual({ id: expect.any(String), email: 'admin@localhost', name: 'Admin', role: 'admin' });
    expect(typeof res.body.token).toBe('string');
  });
});
