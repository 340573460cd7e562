// Client-side helpers shared by the load generators: HTTP calls to the relay, opening sockets,
// awaiting one frame, and running many async jobs with bounded concurrency.
import WebSocket from 'ws';

/** The admin password of every bench relay (it only ever listens on loopback). */
export const ADMIN_PASSWORD = 'bench-admin-password';
/** The protocol version the bench speaks (kept in step with packages/protocol). */
export const PROTOCOL_VERSION = 1;

/** POSTs JSON; resolves with the parsed answer or throws with the status. */
export async function postJson(origin, path, body, headers = {}) {
  const res = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Opens a WebSocket with the given `Origin`; resolves once open. */
export function connect(url, origin) {
  const ws = new WebSocket(url, { origin, perMessageDeflate: false });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
}

/** Resolves with the first frame on `ws` that `match` accepts (parsed), or rejects after `timeoutMs`. */
export function waitFor(ws, match, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error('timed out waiting for a frame'));
    }, timeoutMs);
    function onMessage(data) {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'error') console.error('[bench] relay refused a frame:', frame);
      if (!match(frame)) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(frame);
    }
    ws.on('message', onMessage);
  });
}

/** Runs `fn` over `items` with at most `limit` at once; resolves with the results in order. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
