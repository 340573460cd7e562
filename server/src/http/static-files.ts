/**
 * Serving built files: the right content type and coding, cache policy by file name (hashed
 * chunks are immutable for a year, everything else revalidated), and no path ever escaping its
 * folder.
 */
import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip } from 'node:zlib';
import { chooseCoding, CODING_SUFFIX, CODINGS, type Coding } from './content-coding.js';
import { sendText } from './respond.js';
import { entityTag, REVALIDATE, sendNotModified } from './revalidation.js';
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
  return isHashedName(name) ? 'public, max-age=31536000, immutable' : REVALIDATE;
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

/** What is known of one version of a served file: its tag and the codings it can be sent in. */
interface FileVersion {
  /** Source and precompressed files' sizes and times; a change means a new build. */
  signature: string;
  etag: string;
  codings: Coding[];
}

const versions = new Map<string, FileVersion>();

const DECOMPRESS: Record<Coding, (data: Buffer) => Promise<Buffer>> = {
  br: promisify(brotliDecompress),
  gzip: promisify(gunzip),
};

/** Stats of a file, or null when it is not a regular file. */
async function fileStat(file: string): Promise<Stats | null> {
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? info : null;
}

/**
 * The codings `file` can be sent in. A precompressed file (`core.js.br`, `core.js.gz`, written by
 * the build) counts only once it has been checked to decode to the file itself: one left over by
 * an older build is never sent, the file goes out as it is instead.
 */
async function fileVersion(file: string, info: Stats): Promise<FileVersion> {
  const siblings = await Promise.all(CODINGS.map((coding) => fileStat(file + CODING_SUFFIX[coding])));
  const signature = [info, ...siblings].map((s) => (s ? `${s.size}:${s.mtimeMs}` : '-')).join('/');
  const known = versions.get(file);
  if (known?.signature === signature) return known;
  const content = await readFile(file);
  const codings: Coding[] = [];
  for (const [index, coding] of CODINGS.entries()) {
    if (!siblings[index]) continue;
    const decoded = await readFile(file + CODING_SUFFIX[coding])
      .then((data) => DECOMPRESS[coding](data))
      .catch(() => null);
    if (decoded?.equals(content)) codings.push(coding);
  }
  const version: FileVersion = { signature, etag: entityTag(content), codings };
  versions.set(file, version);
  return version;
}

/**
 * Sends a file with its type and cache headers, or answers 404. The coding follows the
 * request's `Accept-Encoding` (brotli, gzip, or the file as it is) among the precompressed files
 * the build wrote, with `Vary: Accept-Encoding`; content-hashed names are immutable, anything
 * else carries an entity tag and is revalidated (304 when the browser's copy is current). HEAD
 * gets the headers only.
 */
export async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string | null,
  headers: OutgoingHttpHeaders = {},
): Promise<void> {
  const info = file ? await fileStat(file) : null;
  if (!file || !info) return sendText(res, 404, 'Not found\n', headers);
  const version = await fileVersion(file, info);
  const coding = chooseCoding(req.headers['accept-encoding'], version.codings);
  const type = contentType(file);
  const etag = coding === 'identity' ? version.etag : version.etag.replace(/"$/, `-${coding}"`);
  const all: OutgoingHttpHeaders = {
    'Content-Type': type,
    'Cache-Control': cacheControl(file),
    ETag: etag,
    // Caches must key on the coding whenever the file exists in more than one.
    ...(version.codings.length > 0 ? { Vary: 'Accept-Encoding' } : {}),
    ...(coding === 'identity' ? {} : { 'Content-Encoding': coding }),
    'X-Content-Type-Options': 'nosniff',
    ...(type.startsWith('text/html') ? HTML_SECURITY_HEADERS : {}),
    ...headers,
  };
  if (sendNotModified(req, res, etag, all)) return;
  const sent = coding === 'identity' ? file : file + CODING_SUFFIX[coding];
  const sentInfo = coding === 'identity' ? info : await fileStat(sent);
  if (!sentInfo) return sendText(res, 404, 'Not found\n', headers);
  res.writeHead(200, { ...all, 'Content-Length': sentInfo.size });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(sent)
    .on('error', () => res.destroy())
    .pipe(res);
}
