/**
 * Serving built files: the right content type, cache policy by file name (hashed chunks are
 * immutable for a year, everything else five minutes), and no path ever escaping its folder.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { sendText } from './respond.js';
import { HTML_SECURITY_HEADERS } from './security-headers.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

/** The content type of a file name. */
export function contentType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** True for names a bundler content-hashed (`core-1a2B3c4D.js`): they never change. */
export function isHashedName(name: string): boolean {
  return /-[A-Za-z0-9_-]{8}\.(?:js|mjs|css)$/.test(name);
}

/** The cache policy for a served file. */
export function cacheControl(name: string): string {
  return isHashedName(name) ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
}

/**
 * Resolves `relative` (still percent-encoded) inside `root`; null when it would leave it, is
 * not a plain path (NUL, backslash, bad encoding) or names a hidden file (`.env`, `.git/`).
 */
export function safeJoin(root: string, relative: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment.startsWith('.'))) return null;
  const full = normalize(join(root, decoded));
  return full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

/** Streams a file with its type and cache headers, or answers 404. HEAD gets headers only. */
export async function serveFile(
  res: ServerResponse,
  method: string,
  file: string | null,
  headers: OutgoingHttpHeaders = {},
): Promise<void> {
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info || !info.isFile()) return sendText(res, 404, 'Not found\n', headers);
  const type = contentType(file);
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': info.size,
    'Cache-Control': cacheControl(file),
    'X-Content-Type-Options': 'nosniff',
    ...(type.startsWith('text/html') ? HTML_SECURITY_HEADERS : {}),
    ...headers,
  });
  if (method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
