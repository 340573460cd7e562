// Client-side helpers shared by the load generators: HTTP calls to the relay, opening sockets,
// awaiting one frame, and running many async jobs with bounded concurrency. Setup calls back
// off and retry when the relay answers 429/503, so a fast setup never fails on a limit.
import { Agent, request } from 'node:http';
import WebSocket from 'ws';

/** The admin password of every bench relay (it only ever listens on loopback). */
export const ADMIN_PASSWORD = 'bench-admin-password';
/** The protocol version the bench speaks (kept in step with packages/protocol). */
export const PROTOCOL_VERSION = 1;

/** Keep-alive HTTP connections for the setup calls. */
const httpAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/** Statuses that mean "slow down": the relay's rate limits and connection caps. */
const BACK_OFF = new Set([429, 503]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs JSON; resolves with the parsed answer or throws with the status. A 429/503 is retried
 * after the relay's `Retry-After` (or a short pause), so a paced setup never fails on a limit.
 */
export async function postJson(origin, path, body, headers = {}) {
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    const { status, text, retryAfter } = await new Promise((resolve, reject) => {
      const req = request(`${origin}${path}`, {
        method: 'POST',
        agent: httpAgent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text: data, retryAfter: Number(res.headers['retry-after']) }));
        res.on('error', reject);
      });
      req.end(payload);
    });
    if (status === 200) return JSON.parse(text);
    if (!BACK_OFF.has(status) || attempt >= 20) throw new Error(`POST ${path}: ${status} ${text}`);
    await sleep(retryAfter > 0 ? Math.min(retryAfter * 1000, 5000) : 100 * (attempt + 1));
  }
}

/** Opens a WebSocket with the given `Origin`; resolves once open. */
export function connect(url, origin) {
  const ws = new WebSocket(url, { origin, perMessageDeflate: false });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode }));
    });
  });
}

/** `connect`, retried with a growing pause while the relay answers 429/503 (a cap or limit). */
export async function connectPaced(url, origin) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect(url, origin);
    } catch (error) {
      if (!BACK_OFF.has(error.status) || attempt >= 20) throw error;
      await sleep(100 * (attempt + 1));
    }
  }
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
