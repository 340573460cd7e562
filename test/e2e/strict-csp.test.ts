import { describe, expect, it } from 'vitest';
import { consoleMessage, CONSOLE_TIMEOUT_MS, openConversation, replyFromConsole, signInConsole } from './harness/console-app.js';
import { watchPage } from './harness/diagnostics.js';
import { useE2E } from './harness/e2e-env.js';
import { CSP_REPORT_PATH } from './harness/host-server.js';
import { hostPage } from './harness/host-page.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

/** The site's own stylesheet: allowed by `style-src 'self'`. */
const SITE_CSS = 'body { font-family: system-ui, sans-serif; margin: 2rem; }';

describe('widget on a page with a strict Content-Security-Policy', () => {
  it("works end to end without 'unsafe-inline' or 'unsafe-eval' and without any violation", async () => {
    const env = e2e();
    const relay = new URL(env.relay.origin);
    const policy = [
      "default-src 'self'",
      `script-src ${relay.origin}`,
      `connect-src ${relay.origin} ws://${relay.host}`,
      "style-src 'self'",
      "img-src 'self'",
      `report-uri ${CSP_REPORT_PATH}`,
    ].join('; ');
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    env.host.route('/site.css', { body: SITE_CSS, contentType: 'text/css; charset=utf-8' });
    const url = env.host.page(
      '/secure',
      hostPage(env.relay.origin, { title: 'Checkout - Acme', head: '<link rel="stylesheet" href="/site.css">' }),
      { 'Content-Security-Policy': policy },
    );

    const agent = await signInConsole(env.browser, env.relay);
    const { page } = await env.visitor();
    const diagnostics = await watchPage(page);
    await page.goto(url);
    await openWidget(page);

    const question = unique('Can I pay by invoice?');
    await sendFromWidget(page, question);
    await expect.poll(() => visitorMessage(page, question).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
    await openConversation(agent.page, question);
    const answer = unique('Yes, for orders over 100 EUR.');
    await replyFromConsole(agent.page, answer);
    await consoleMessage(agent.page, answer).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    await widgetMessage(page, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    // The widget's styles applied: the panel is laid out, not a bare unstyled column.
    const panelPosition = await page.getByRole('dialog', { name: 'Chat' }).evaluate((element) => {
      for (let node: Element | null = element; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null)) {
        const position = getComputedStyle(node).position;
        if (position === 'fixed') return position;
      }
      return 'static';
    });
    expect(panelPosition).toBe('fixed');

    expect(await diagnostics.cspViolations()).toEqual([]);
    expect(diagnostics.cspConsole).toEqual([]);
    expect(diagnostics.pageErrors).toEqual([]);
    expect(env.host.cspReports).toEqual([]);
  });
});
