/**
 * Revalidation of responses that may change under the same URL (the loader, the core, pages):
 * an entity tag from the content, `Cache-Control: no-cache`, and 304 Not Modified when the
 * browser's copy is still current, so a return visit costs one small round trip.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Cache policy of anything without a content hash in its name: keep it, but ask first. */
export const REVALIDATE = 'no-cache';

/**
 * A strong entity tag for some bytes. Made from the content (not a file's time), so every relay
 * node of a cluster gives the same file the same tag; `suffix` tells the codings of one file apart.
 */
export function entityTag(content: Buffer | string, suffix = ''): string {
  return `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}${suffix}"`;
}

/**
 * True when `If-None-Match` names `etag` (or is `*`). Compared weakly, as RFC 9110 13.1.2
 * requires: `W/"x"` matches `"x"`.
 */
export function matchesIfNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/**
 * Answers 304 with the validators and cache headers (no body) when the request's copy is
 * current; false when a full answer is needed.
 */
export function sendNotModified(req: IncomingMessage, res: ServerResponse, etag: string, headers: OutgoingHttpHeaders): boolean {
  if (!matchesIfNoneMatch(req.headers['if-none-match'], etag)) return false;
  // RFC 9110 15.4.5: the headers a 200 would carry that matter to caches, never a body length.
  const kept: OutgoingHttpHeaders = { ETag: etag };
  for (const name of ['Cache-Control', 'Vary', 'Content-Location', 'Expires', 'Access-Control-Allow-Origin', 'Cross-Origin-Resource-Policy', 'X-Content-Type-Options']) {
    if (headers[name] !== undefined) kept[name] = headers[name];
  }
  res.writeHead(304, kept);
  res.end();
  return true;
}

/**
 * Sends a page the relay generates (console, viewer, demo) with an entity tag and
 * `no-cache`, or 304 when the browser's copy is current. HEAD gets the headers only.
 */
export function sendPage(req: IncomingMessage, res: ServerResponse, html: string, headers: OutgoingHttpHeaders): void {
  const etag = entityTag(html);
  const all: OutgoingHttpHeaders = {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': REVALIDATE,
    ETag: etag,
    ...headers,
  };
  if (sendNotModified(req, res, etag, all)) return;
  res.writeHead(200, { ...all, 'Content-Length': Buffer.byteLength(html) });
  res.end(req.method === 'HEAD' ? undefined : html);
}
