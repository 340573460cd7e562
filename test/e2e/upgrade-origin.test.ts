import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY } from './harness/host-page.js';
import { postJson, tryUpgrade } from './harness/http-client.js';

const e2e = useE2E();

const STRANGER = 'https://evil.example';

/** A visitor token of the demo site, obtained as a page on `origin` would. */
async function visitorToken(relayOrigin: string, origin: string): Promise<string> {
  const response = await postJson(`${relayOrigin}/api/visitors`, { siteKey: DEMO_SITE_KEY }, origin);
  expect(response.status).toBe(200);
  expect(response.headers['access-control-allow-origin']).toBe(origin);
  return (response.body as { token: string }).token;
}

describe('WebSocket upgrade origin checks of the built relay', () => {
  it('accepts a visitor token from an allowed origin', async () => {
    const { relay, host } = e2e();
    const token = await visitorToken(relay.origin, host.origin);
    expect(await tryUpgrade(`${relay.wsUrl}?token=${encodeURIComponent(token)}`, host.origin)).toEqual({ opened: true });
  });

  it('refuses a visitor token from an origin the site does not allow with HTTP 403', async () => {
    const { relay, host } = e2e();
    const token = await visitorToken(relay.origin, host.origin);
    expect(await tryUpgrade(`${relay.wsUrl}?token=${encodeURIComponent(token)}`, STRANGER)).toEqual({ opened: false, status: 403 });
  });

  it('refuses a missing or forged token with HTTP 401', async () => {
    const { relay, host } = e2e();
    expect(await tryUpgrade(relay.wsUrl, host.origin)).toEqual({ opened: false, status: 401 });
    const token = await visitorToken(relay.origin, host.origin);
    const [payload] = token.split('.');
    const forged = `${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    expect(await tryUpgrade(`${relay.wsUrl}?token=${encodeURIComponent(forged)}`, host.origin)).toEqual({ opened: false, status: 401 });
  });

  it('refuses an agent token from any origin but the console\'s with HTTP 403', async () => {
    const { relay, host } = e2e();
    const login = await postJson(`${relay.origin}/api/login`, { email: relay.adminEmail, password: relay.adminPassword }, relay.publicOrigin);
    expect(login.status).toBe(200);
    const token = (login.body as { token: string }).token;
    const url = `${relay.wsUrl}?token=${encodeURIComponent(token)}`;
    expect(await tryUpgrade(url, host.origin)).toEqual({ opened: false, status: 403 });
    expect(await tryUpgrade(url, relay.publicOrigin)).toEqual({ opened: true });
  });

  it('refuses a token request from an origin the site does not allow', async () => {
    const { relay } = e2e();
    const response = await postJson(`${relay.origin}/api/visitors`, { siteKey: DEMO_SITE_KEY }, STRANGER);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ error: 'origin_not_allowed' });
  });
});
