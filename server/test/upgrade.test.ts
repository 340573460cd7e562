import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, upgradeStatus, visitorToken, type TestRelay } from './relay-harness.js';

describe('WebSocket upgrade', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(() => relay.stop());

  it('answers 401 without a token, with a forged one, and with garbage', async () => {
    const { token } = await visitorToken(relay);
    const forged = `${token.split('.')[0]}.AAAA${token.split('.')[1]!.slice(4)}`;
    expect(await upgradeStatus(relay, null, PAGE_ORIGIN)).toBe(401);
    expect(await upgradeStatus(relay, forged, PAGE_ORIGIN)).toBe(401);
    expect(await upgradeStatus(relay, 'not-a-token', PAGE_ORIGIN)).toBe(401);
  });

  it('answers 403 to a visitor from an origin the site does not allow', async () => {
    const { token } = await visitorToken(relay);
    expect(await upgradeStatus(relay, token, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(relay, token, undefined)).toBe(403);
  });

  it('answers 403 to an agent from an origin other than the console', async () => {
    const token = await adminToken(relay);
    expect(await upgradeStatus(relay, token, PAGE_ORIGIN)).toBe(403);
  });

  it('answers 404 on another path', async () => {
    const { token } = await visitorToken(relay);
    expect(await upgradeStatus(relay, token, PAGE_ORIGIN, '/other')).toBe(404);
  });

  it('accepts a visitor from an allowed origin and an agent from the console origin', async () => {
    const { token } = await visitorToken(relay);
    const visitor = new TestClient(relay, token, PAGE_ORIGIN);
    expect((await visitor.hello()).role).toBe('visitor');
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    expect((await agent.hello()).role).toBe('agent');
    visitor.close();
    agent.close();
  });
});

/** Opens a visitor WebSocket from a given loopback address; resolves with it or the HTTP status it got. */
function openFrom(relay: TestRelay, token: string, localAddress: string): Promise<WebSocket | number> {
  const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`, { origin: PAGE_ORIGIN, localAddress });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('WebSocket connection caps', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ maxConnectionsPerIp: 3, maxConnections: 5 });
  });
  afterAll(() => relay.stop());

  it('answers 429 past the per-address cap and 503 past the total, before any WebSocket exists, and frees slots on close', async () => {
    const { token } = await visitorToken(relay);
    const first = await Promise.all([1, 2, 3].map(() => openFrom(relay, token, '127.0.0.1')));
    expect(first.every((ws) => ws instanceof WebSocket)).toBe(true);
    expect(await openFrom(relay, token, '127.0.0.1')).toBe(429);
    // Another address still gets in, up to the total.
    const second = await Promise.all([1, 2].map(() => openFrom(relay, token, '127.0.0.2')));
    expect(second.every((ws) => ws instanceof WebSocket)).toBe(true);
    expect(await openFrom(relay, token, '127.0.0.3')).toBe(503);
    expect(relay.connections()).toBe(5);

    (first[0] as WebSocket).close();
    await vi.waitFor(async () => {
      const again = await openFrom(relay, token, '127.0.0.1');
      expect(again).toBeInstanceOf(WebSocket);
      (again as WebSocket).close();
    }, { timeout: 5000, interval: 50 });
    for (const ws of [...first, ...second]) (ws as WebSocket).close();
  });
});
