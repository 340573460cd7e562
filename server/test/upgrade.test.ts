import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
