/**
 * The relay's built files on the wire: the coding chosen by `Accept-Encoding` among the
 * precompressed copies the build writes, `Vary`, the right `Content-Length` for each coding,
 * immutable caching of content-hashed chunks, revalidation (ETag, 304) of the loader, the core
 * and the pages, and the file as it is when a precompressed copy is missing or left over from
 * an older build. Raw `node:http` requests, because `fetch` decodes bodies and hides the coding.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './relay-harness.js';

const LOADER = `(()=>{${'console.log("loader");'.repeat(40)}})();`;
const CORE = `export const core=${JSON.stringify('core '.repeat(400))};`;
const CHUNK = `export const chunk=${JSON.stringify('chunk '.repeat(400))};`;
const REBUILT = `export const rebuilt=${JSON.stringify('rebuilt '.repeat(400))};`;
const PLAIN = `export const plain=${JSON.stringify('plain '.repeat(400))};`;

/** Writes a file with its brotli and gzip copies, as `npm run build` does. */
async function writeBuilt(file: string, content: string): Promise<void> {
  await writeFile(file, content);
  await writeFile(`${file}.br`, brotliCompressSync(content));
  await writeFile(`${file}.gz`, gzipSync(content));
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request, body bytes as they crossed the wire. */
function get(relay: TestRelay, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${relay.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The body decoded by its `Content-Encoding`. */
function decoded(answer: Answer): string {
  const coding = answer.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(answer.body).toString();
  if (coding === 'gzip') return gunzipSync(answer.body).toString();
  expect(coding).toBeUndefined();
  return answer.body.toString();
}

describe('built files on the wire', () => {
  let relay: TestRelay;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-coding-'));
    const paths = { widgetDir: join(root, 'widget'), consoleDir: join(root, 'console'), demoDir: join(root, 'demo') };
    await mkdir(join(paths.widgetDir, 'widget'), { recursive: true });
    await mkdir(paths.consoleDir, { recursive: true });
    await mkdir(paths.demoDir, { recursive: true });
    await writeBuilt(join(paths.widgetDir, 'parley.js'), LOADER);
    await writeBuilt(join(paths.widgetDir, 'widget', 'core.js'), CORE);
    await writeBuilt(join(paths.widgetDir, 'widget', 'chunk-AbCd12_-.js'), CHUNK);
    // Rebuilt by a step that wrote no copies: the copies beside it are of the file before.
    await writeBuilt(join(paths.widgetDir, 'widget', 'rebuilt.js'), 'export const before = 1;'.repeat(40));
    await writeFile(join(paths.widgetDir, 'widget', 'rebuilt.js'), REBUILT);
    await writeFile(join(paths.widgetDir, 'widget', 'plain.js'), PLAIN);
    await writeFile(join(paths.consoleDir, 'console.js'), 'export {}');
    relay = await startTestRelay({ paths });
  });
  afterAll(async () => {
    await relay.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('sends brotli to a browser that accepts it, with Vary and the compressed length', async () => {
    const answer = await get(relay, '/widget/core.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(answer.body.length).toBeLessThan(CORE.length / 4);
    expect(decoded(answer)).toBe(CORE);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
  });

  it('follows the client: gzip without brotli, q=0 refuses a coding, no header means none', async () => {
    const cases: [string | undefined, string | undefined][] = [
      ['gzip, deflate', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['x-gzip', 'gzip'],
      ['*', 'br'],
      ['br;q=0, gzip;q=0', undefined],
      ['*;q=0', undefined],
      ['identity', undefined],
      ['deflate', undefined],
      [undefined, undefined],
    ];
    for (const [accept, coding] of cases) {
      const answer = await get(relay, '/parley.js', accept === undefined ? {} : { 'Accept-Encoding': accept });
      expect({ accept, coding: answer.headers['content-encoding'] }).toEqual({ accept, coding });
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(answer.headers.vary).toBe('Accept-Encoding');
      expect(decoded(answer)).toBe(LOADER);
    }
  });

  it('revalidates the loader and the core: no-cache, an entity tag per coding, 304 when current', async () => {
    for (const path of ['/parley.js', '/widget/core.js']) {
      const br = await get(relay, path, { 'Accept-Encoding': 'br' });
      const plain = await get(relay, path);
      expect(br.headers['cache-control']).toBe('no-cache');
      expect(plain.headers['cache-control']).toBe('no-cache');
      const tag = br.headers.etag ?? '';
      expect(tag).toMatch(/^"[\w-]+"$/);
      expect(plain.headers.etag).not.toBe(tag);

      const again = await get(relay, path, { 'Accept-Encoding': 'br', 'If-None-Match': tag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(tag);
      expect(again.headers.vary).toBe('Accept-Encoding');
      expect(again.headers['cache-control']).toBe('no-cache');
      expect((await get(relay, path, { 'Accept-Encoding': 'br', 'If-None-Match': `"other", W/${tag}` })).status).toBe(304);
      // The browser's copy is brotli; one asking for gzip now gets the gzip body, not a 304.
      const gzip = await get(relay, path, { 'Accept-Encoding': 'gzip', 'If-None-Match': tag });
      expect(gzip.status).toBe(200);
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect((await get(relay, path, { 'If-None-Match': '"stale"' })).status).toBe(200);
    }
  });

  it('keeps content-hashed chunks for a year, in every coding', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const answer = await get(relay, '/widget/chunk-AbCd12_-.js', { 'Accept-Encoding': accept });
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(decoded(answer)).toBe(CHUNK);
    }
  });

  it('answers HEAD with the headers and length of the chosen coding and no body', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const full = await get(relay, '/widget/core.js', { 'Accept-Encoding': accept });
      const head = await get(relay, '/widget/core.js', { 'Accept-Encoding': accept }, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-length']).toBe(String(full.body.length));
      expect(head.headers['content-encoding']).toBe(full.headers['content-encoding']);
      expect(head.headers.etag).toBe(full.headers.etag);
    }
  });

  it('sends the file as it is when its compressed copies are missing or from an older build', async () => {
    for (const [path, content] of [['/widget/plain.js', PLAIN], ['/widget/rebuilt.js', REBUILT]] as const) {
      const answer = await get(relay, path, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.body.toString()).toBe(content);
      expect(Number(answer.headers['content-length'])).toBe(content.length);
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect((await get(relay, path, { 'If-None-Match': answer.headers.etag ?? '' })).status).toBe(304);
    }
  });

  it('revalidates the pages it generates', async () => {
    for (const path of ['/', '/console/', '/console/viewer.html']) {
      const page = await get(relay, path);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-length']).toBe(String(page.body.length));
      const tag = page.headers.etag ?? '';
      expect(tag).toMatch(/^"[\w-]+"$/);
      const again = await get(relay, path, { 'If-None-Match': tag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      const head = await get(relay, path, {}, 'HEAD');
      expect(head.body.length).toBe(0);
      expect(head.headers['content-length']).toBe(page.headers['content-length']);
    }
  });
});
