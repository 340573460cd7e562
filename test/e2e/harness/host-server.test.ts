import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP_REPORT_PATH, startHostServer, type HostServer } from './host-server.js';

let host: HostServer;
beforeAll(async () => {
  host = await startHostServer();
});
afterAll(() => host.close());

describe('startHostServer', () => {
  it('serves a page from a string with its extra headers on a loopback port', async () => {
    const url = host.page('/p', '<p>hi</p>', { 'Content-Security-Policy': "default-src 'self'" });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p$/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await response.text()).toBe('<p>hi</p>');
  });

  it('answers 404 for a path it does not serve', async () => {
    expect((await fetch(`${host.origin}/nothing`)).status).toBe(404);
  });

  it('collects CSP reports posted to the report path', async () => {
    const report = { 'csp-report': { 'violated-directive': 'style-src' } };
    const response = await fetch(`${host.origin}${CSP_REPORT_PATH}`, { method: 'POST', body: JSON.stringify(report) });
    expect(response.status).toBe(204);
    expect(host.cspReports).toContainEqual(report);
  });
});
