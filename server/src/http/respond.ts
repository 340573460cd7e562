/**
 * Small helpers for HTTP answers and JSON request bodies. Every answer carries
 * `X-Content-Type-Options: nosniff`.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Sends a JSON body with a status. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Sends a short plain-text body with a status. */
export function sendText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** A request body that could not be read as the JSON object an endpoint expects. */
export class BadRequestError extends Error {
  /** The HTTP status to answer: 400, 413 (too large) or 415 (not JSON). */
  readonly status: 400 | 413 | 415;
  /** The stable code sent as `{ error }`. */
  readonly code: 'bad_request' | 'payload_too_large' | 'unsupported_media_type';

  constructor(message: string, status: 400 | 413 | 415 = 400) {
    super(message);
    this.name = 'BadRequestError';
    this.status = status;
    this.code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
  }
}

/** Answers a `BadRequestError`; an over-large body also closes the connection (its rest is never read). */
export function sendBadRequest(res: ServerResponse, error: BadRequestError, headers: OutgoingHttpHeaders = {}): void {
  sendJson(res, error.status, { error: error.code }, error.status === 413 ? { ...headers, Connection: 'close' } : headers);
}

/**
 * True for `application/json` (any parameters). Requiring it also means a cross-origin page
 * cannot post to the API without a CORS preflight, which the relay never grants.
 */
export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/json\s*(?:;|$)/i.test(value.trim());
}

/** True for `text/plain` (any parameters): a JSON body a browser may post without a preflight. */
export function isTextContentType(value: string | undefined): boolean {
  return value !== undefined && /^text\/plain\s*(?:;|$)/i.test(value.trim());
}

/**
 * Reads a JSON object body of at most `maxBytes`; throws `BadRequestError` otherwise. The
 * limit holds while the body streams in: a declared `Content-Length` over it is refused
 * before reading anything, and an undeclared (chunked) body stops being read at the limit.
 * `allowText` also takes a JSON body declared `text/plain` (see `isTextContentType`).
 */
export function readJsonObject(req: IncomingMessage, maxBytes: number, allowText = false): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'];
  if (!isJsonContentType(type) && !(allowText && isTextContentType(type))) return Promise.reject(new BadRequestError('not JSON', 415));
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.reject(new BadRequestError('body too large', 413));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', reqOnData);
      req.off('end', reqOnEnd);
      req.off('error', reqOnError);
    };
    function reqOnData(chunk: Buffer): void {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Stop reading: the answer carries `Connection: close`, so the rest is never wanted.
        req.pause();
        return reject(new BadRequestError('body too large', 413));
      }
      chunks.push(chunk);
    }
    function reqOnEnd(): void {
      cleanup();
      let data: unknown;
      try {
        data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reject(new BadRequestError('body is not JSON'));
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return reject(new BadRequestError('body must be an object'));
      resolve(data as Record<string, unknown>);
    }
    function reqOnError(): void {
      cleanup();
      reject(new BadRequestError('body not received'));
    }
    req.on('data', reqOnData);
    req.on('end', reqOnEnd);
    req.on('error', reqOnError);
  });
}
