/**
 * `parley_upgrades_refused_total{reason}`: every upgrade refused before a WebSocket exists is
 * counted once under its reason, read through `/metrics` as a scraper would.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { UPGRADE_REFUSALS } from '../src/metrics/relay-metrics.js';
import { scrape } from './metrics-scrape.js';
import { PAGE_ORIGIN, startTestRelay, upgradeStatus, visitorToken, type TestRelay } from './relay-harness.js';

/** Opens a WebSocket from `localAddress`; resolves with it open, or with the refusal's status. */
function connectFrom(relay: TestRelay, token: string, localAddress: string): Promise<WebSocket | number> {
  const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`, { origin: PAGE_ORIGIN, localAddress });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

/** An upgrade request that is not a WebSocket handshake (no key), with a valid token. */
function badHandshake(relay: TestRelay, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${relay.url}/ws?token=${encodeURIComponent(token)}`, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', Origin: PAGE_ORIGIN, 'Sec-WebSocket-Version': '13' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', () => reject(new Error('the upgrade was accepted')));
    req.on('error', reject);
    req.end();
  });
}

describe('refused upgrades in /metrics', () => {
  const none = Object.fromEntries(UPGRADE_REFUSALS.map((reason) => [reason, 0]));
  const refused = async (relay: TestRelay): Promise<Record<string, number>> => {
    const samples = await scrape(relay.metricsUrl);
    return Object.fromEntries(UPGRADE_REFUSALS.map((reason) => [reason, samples.get(`parley_upgrades_refused_total{node="${relay.nodeId}",reason="${reason}"}`) ?? -1]));
  };
  const relays: TestRelay[] = [];
  afterAll(async () => {
    for (const relay of relays) await relay.stop();
  });

  it('counts refused origins, tokens, paths, handshakes and upgrades while draining, every reason shown from the start', async () => {
    const relay = await startTestRelay({ nodeId: 'refusals', drainTimeoutMs: 30_000 });
    relays.push(relay);
    expect(await refused(relay)).toEqual(none);
    const { token } = await visitorToken(relay);

    expect(await upgradeStatus(relay, token, 'https://stranger.example')).toBe(403);
    expect(await upgradeStatus(relay, 'not-a-token', PAGE_ORIGIN)).toBe(401);
    expect(await upgradeStatus(relay, token, PAGE_ORIGIN, '/elsewhere')).toBe(404);
    expect(await badHandshake(relay, token)).toBe(400);

    // A tab that stops reading cannot answer the drain's close, so the drain stays open while
    // an upgrade is refused.
    const open = await connectFrom(relay, token, '127.0.0.1');
    expect(open).toBeInstanceOf(WebSocket);
    const socket = (open as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const draining = relay.drain();
    expect(await connectFrom(relay, token, '127.0.0.2')).toBe(503);
    expect(await refused(relay)).toEqual({ ...none, origin: 1, token: 1, not_found: 1, bad_request: 1, draining: 1 });
    socket.resume();
    await draining;
  });

  it('counts upgrades refused for too many connections from one address, and in all', async () => {
    const relay = await startTestRelay({ nodeId: 'limits', maxConnections: 2, maxConnectionsPerIp: 1 });
    relays.push(relay);
    const { token } = await visitorToken(relay);
    const first = await connectFrom(relay, token, '127.0.0.1');
    expect(first).toBeInstanceOf(WebSocket);
    expect(await connectFrom(relay, token, '127.0.0.1')).toBe(429);
    const second = await connectFrom(relay, token, '127.0.0.2');
    expect(second).toBeInstanceOf(WebSocket);
    expect(await connectFrom(relay, token, '127.0.0.3')).toBe(503);
    expect(await refused(relay)).toEqual({ ...none, address_limit: 1, full: 1 });
    (first as WebSocket).close();
    (second as WebSocket).close();
  });
});
