/**
 * Answers for requests Node's HTTP parser gave up on (malformed, headers too large, too slow),
 * instead of silently dropping the connection: the client learns why, then the socket closes.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** The status for a parser or timeout error code. */
export function clientErrorStatus(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/** The HTTP server's `clientError` handler. */
export function serverOnClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset peer, or a socket with a response under way (Node's own handler checks the same
  // field), cannot be told anything more.
  if (error.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const status = clientErrorStatus(error.code);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  // A peer that never reads must not keep the socket: give the answer a moment, then drop it.
  setTimeout(() => socket.destroy(), 1000).unref();
}
