import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { watchPage } from './diagnostics.js';
import { CSP_REPORT_PATH, startHostServer, type HostServer } from './host-server.js';

let browser: Browser;
let host: HostServer;
beforeAll(async () => {
  [browser, host] = await Promise.all([launchBrowser(), startHostServer()]);
});
afterAll(async () => {
  await Promise.allSettled([browser?.close(), host?.close()]);
});

describe('watchPage', () => {
  it('sees a CSP violation through the event, the console and the report endpoint', async () => {
    // The strict-CSP test asserts "no violation"; this proves the probes would have seen one.
    const url = host.page('/violates', '<!doctype html><style>body{color:red}</style><p>x</p>', {
      'Content-Security-Policy': `style-src 'self'; report-uri ${CSP_REPORT_PATH}`,
    });
    const page = await browser.newPage();
    const diagnostics = await watchPage(page);
    await page.goto(url);
    await expect.poll(() => diagnostics.cspViolations()).toEqual([expect.objectContaining({ directive: 'style-src-elem' })]);
    await expect.poll(() => diagnostics.cspConsole.length).toBeGreaterThan(0);
    await expect.poll(() => host.cspReports.length).toBeGreaterThan(0);
    await page.close();
  });
});
