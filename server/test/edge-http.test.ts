/**
 * The relay's HTTP edge under abuse: real relays on port 0, raw sockets where a browser or
 * fetch would tidy the request up first.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../src/storage/open-storage.js';
import type { Storage } from '../src/storage/storage.js';
import type { Logger } from '../src/log.js';
import { PAGE_ORIGIN, postJson, startTestRelay, upgradeStatus, visitorToken, type TestRelay } from './relay-harness.js';

/** Sends raw bytes and resolves with everything the relay answered before closing. */
function rawExchange(relay: TestRelay, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(relay.port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`relay kept the socket open; got ${JSON.stringify(answer)}`));
    }, timeoutMs);
    socket.on('data', (data) => (answer += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(text);
  });
}

/** The status line of a raw GET of `path` exactly as written. */
async function rawStatus(relay: TestRelay, path: string, method = 'GET'): Promise<{ status: number; raw: string }> {
  const raw = await rawExchange(relay, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0), raw };
}

async function assetPaths(): Promise<{ widgetDir: string; consoleDir: string; demoDir: string; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'parley-edge-'));
  const paths = { root, widgetDir: join(root, 'widget'), consoleDir: join(root, 'console'), demoDir: join(root, 'demo') };
  await mkdir(join(paths.widgetDir, 'widget'), { recursive: true });
  await mkdir(paths.consoleDir, { recursive: true });
  await mkdir(paths.demoDir, { recursive: true });
  await writeFile(join(root, 'secret.txt'), 'TOP-SECRET');
  await writeFile(join(paths.widgetDir, 'parley.js'), 'console.log("loader")');
  await writeFile(join(paths.widgetDir, 'widget', 'core.js'), 'export {}');
  await writeFile(join(paths.demoDir, 'index.html'), '<p>demo</p>');
  await writeFile(join(paths.demoDir, 'other.html'), '<p>other</p>');
  await writeFile(join(paths.demoDir, '.env'), 'TOP-SECRET');
  return paths;
}

describe('visitor creation limit', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ visitorCreationsPerMinute: 3 });
  });
  afterAll(() => relay.stop());

  it('answers 429 with Retry-After once an address created its share, but never to a visitor with a valid token', async () => {
    const first = await visitorToken(relay);
    await visitorToken(relay);
    await visitorToken(relay);
    const limited = await postJson(relay, '/api/visitors', { siteKey: 'demo' }, { Origin: PAGE_ORIGIN });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'too_many_requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    // A forged token creates a visitor, so it counts.
    expect((await postJson(relay, '/api/visitors', { siteKey: 'demo', token: 'forged.token' }, { Origin: PAGE_ORIGIN })).status).toBe(429);
    for (let i = 0; i < 5; i++) {
      const kept = await postJson(relay, '/api/visitors', { siteKey: 'demo', token: first.token }, { Origin: PAGE_ORIGIN });
      expect(kept).toMatchObject({ status: 200, body: first });
    }
  });
});

describe('relay HTTP edge', () => {
  let relay: TestRelay;
  const logged: string[] = [];
  let failing = false;
  let root: string;
  beforeAll(async () => {
    const paths = await assetPaths();
    root = paths.root;
    const real = await openStorage({ kind: 'memory', dataDir: root, synchronous: 'normal' });
    // A store that can be made to fail, to see what the relay logs about the request.
    const storageInstance = new Proxy(real, {
      get(target, key, receiver) {
        if ((key === 'getSiteByKey' || key === 'getSite') && failing) return () => Promise.reject(new Error('store down'));
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Storage;
    const log: Logger = {
      info: (message, data) => logged.push(`${message} ${JSON.stringify(data ?? {})}`),
      error: (message, data) => logged.push(`${message} ${JSON.stringify(data ?? {}, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`),
    };
    relay = await startTestRelay({ paths, storageInstance, log, headersTimeoutMs: 400, requestTimeoutMs: 800 });
  });
  afterAll(() => relay.stop());

  it('refuses a JSON body that is not an object', async () => {
    for (const body of ['[]', 'null', '1', '"demo"', '']) {
      expect(await postJson(relay, '/api/visitors', body, { Origin: PAGE_ORIGIN })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
  });

  it('answers 415 to a body that is not declared JSON (the visitors API also takes text/plain, the widget\'s simple request)', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const visitors = await postJson(relay, '/api/visitors', { siteKey: 'demo' }, { Origin: PAGE_ORIGIN, 'Content-Type': type });
      expect(visitors).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp']) {
      const login = await postJson(relay, '/api/login', { email: 'a@b', password: 'x' }, { 'Content-Type': type });
      expect(login.status).toBe(415);
    }
  });

  it('refuses a sign-in posted from a page that is not the console', async () => {
    const res = await postJson(relay, '/api/login', { email: 'admin@localhost', password: 'x' }, { Origin: 'https://evil.example' });
    expect(res).toMatchObject({ status: 403, body: { error: 'origin_not_allowed' } });
  });

  it('answers 413 to a declared oversize body without reading it', async () => {
    const big = JSON.stringify({ siteKey: 'demo', pad: 'x'.repeat(20_000) });
    expect(await postJson(relay, '/api/visitors', big, { Origin: PAGE_ORIGIN })).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('answers 413 while a chunked body is still streaming in, once it passes the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${relay.url}/api/visitors`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: PAGE_ORIGIN } });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('{"siteKey":"demo","pad":"');
      // 32 KiB sent, never ended: the answer must come before the body does.
      const piece = 'x'.repeat(4096);
      for (let i = 0; i < 8; i++) req.write(piece);
    });
    expect(status).toBe(413);
  });

  it('never matches a site key through case, width, invisible or control characters', async () => {
    for (const siteKey of ['DEMO', 'ｄｅｍｏ', 'demo\u200b', 'de\u0000mo', 'demo ', '\ud800demo']) {
      expect(await postJson(relay, '/api/visitors', { siteKey }, { Origin: PAGE_ORIGIN })).toMatchObject({ status: 404, body: { error: 'unknown_site' } });
    }
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  it('keeps static paths inside their folders however they are encoded', async () => {
    for (const path of [
      '/widget/../../secret.txt',
      '/widget/%2e%2e/%2e%2e/secret.txt',
      '/widget/..%2f..%2fsecret.txt',
      '/widget/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/widget/..%5c..%5csecret.txt',
      '/widget/..\\..\\secret.txt',
      '/widget/core.js%00.txt',
      '/demo/%252e%252e/%252e%252e/secret.txt',
      '/demo/.env',
      '/demo/%2eenv',
      '/console/..%2f..%2fsecret.txt',
    ]) {
      const { status, raw } = await rawStatus(relay, path);
      expect(raw, path).not.toContain('TOP-SECRET');
      expect([400, 404], path).toContain(status);
    }
  });

  it('answers HEAD with headers only and other methods with 405', async () => {
    for (const path of ['/', '/console/', '/parley.js', '/healthz']) {
      const { status, raw } = await rawStatus(relay, path, 'HEAD');
      expect(status, path).toBe(200);
      expect(raw.split('\r\n\r\n')[1], path).toBe('');
    }
    for (const [method, path] of [['PUT', '/'], ['DELETE', '/parley.js'], ['GET', '/api/login'], ['PATCH', '/api/visitors']] as const) {
      const res = await fetch(`${relay.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBeTruthy();
    }
  });

  it('sends its security headers with every HTML page', async () => {
    const console_ = await fetch(`${relay.url}/console/`);
    expect(console_.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(console_.headers.get('x-frame-options')).toBe('DENY');
    for (const path of ['/', '/console/', '/demo/other.html']) {
      const res = await fetch(`${relay.url}${path}`);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toMatch(/^(same-origin|strict-origin-when-cross-origin|no-referrer)$/);
    }
  });

  it('answers 431 to oversize headers', async () => {
    const raw = await rawExchange(relay, `GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431/);
  });

  it('cuts off a client that trickles its headers', async () => {
    const raw = await rawExchange(relay, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(raw).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a client that never finishes its body', async () => {
    const raw = await rawExchange(
      relay,
      'POST /api/visitors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"siteKey":',
    );
    // The socket closing at all is the point: `rawExchange` fails if it stays open.
    expect(raw).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('keeps an open WebSocket past the request timeouts', async () => {
    const { WebSocket } = await import('ws');
    const { token } = await visitorToken(relay);
    const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`, { origin: PAGE_ORIGIN });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let closed = false;
    ws.once('close', () => (closed = true));
    // Several timeout checks pass while the socket sits idle.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(closed).toBe(false);
    ws.close();
  });

  it('never writes a token to the log', async () => {
    const { token } = await visitorToken(relay);
    failing = true;
    try {
      const res = await postJson(relay, `/api/visitors?token=${encodeURIComponent(token)}`, { siteKey: 'demo' }, { Origin: PAGE_ORIGIN });
      expect(res.status).toBe(500);
      expect(await upgradeStatus(relay, token, PAGE_ORIGIN)).toBe(500);
    } finally {
      failing = false;
    }
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(token.split('.')[1]!);
    expect(logged.join('\n')).not.toContain(token.split('.')[0]!);
  });
});
