/**
 * Plain HTTP and WebSocket clients from node, for what a browser cannot do: send any `Origin`
 * header, and see the HTTP status of a refused upgrade.
 */
import { request } from 'node:http';
import WebSocket from 'ws';

/** A JSON response. */
export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** POSTs `body` as JSON to `url` with the given `Origin` (none when omitted). */
export function postJson(url: string, body: unknown, origin?: string): Promise<JsonResponse> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          ...(origin ? { Origin: origin } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: keep the text for the assertion message.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** How an upgrade attempt ended: opened, or refused with an HTTP status before any WebSocket. */
export type UpgradeOutcome = { opened: true } | { opened: false; status: number };

/** Tries a WebSocket upgrade to `url` with `origin`; closes the socket at once when it opens. */
export function tryUpgrade(url: string, origin: string): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { origin, handshakeTimeout: 10_000 });
    socket.once('open', () => {
      socket.close();
      resolve({ opened: true });
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? 0 });
      res.resume();
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}
