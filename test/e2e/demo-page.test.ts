import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_TIMEOUT_MS, conversationRow, openConversation, signInConsole, visitorRegion } from './harness/console-app.js';
import { watchPage } from './harness/diagnostics.js';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY, snippet } from './harness/host-page.js';
import { ROOT } from './harness/paths.js';
import { panel, visitorMessage, waitForLauncher, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('demo page served by the relay at /', () => {
  it('embeds the README snippet for this relay and links to the console', async () => {
    const { relay } = e2e();
    const source = await readFile(join(ROOT, 'examples/demo/index.html'), 'utf8');
    expect(source).toContain('<script async src="__PARLEY_ORIGIN__/parley.js" data-site-key="__PARLEY_SITE_KEY__"></script>');
    // The same snippet the README gives newcomers, with the README's origin and key filled in.
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(snippet('http://localhost:8080', DEMO_SITE_KEY));

    const response = await fetch(`${relay.publicOrigin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toContain('__PARLEY_');
    expect(html).toContain(snippet(relay.publicOrigin, DEMO_SITE_KEY));
    expect(html).toContain(`href="${relay.publicOrigin}/console/"`);
    for (const asset of ['/demo/demo.js', '/demo/demo.css']) {
      expect((await fetch(`${relay.publicOrigin}${asset}`)).status).toBe(200);
    }
  });

  it('drives the widget from its API buttons and shows the visitor\'s context in the console', async () => {
    const env = e2e();
    const agent = await signInConsole(env.browser, env.relay);
    const { page } = await env.visitor();
    const diagnostics = await watchPage(page);
    await page.goto(`${env.relay.publicOrigin}/`);
    await waitForLauncher(page);

    await page.getByRole('button', { name: 'Open the chat window' }).click();
    await panel(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Identify as a demo user' }).click();
    await page.getByRole('button', { name: 'Track a demo event' }).click();
    await page.getByRole('button', { name: 'Send a test message' }).click();
    const text = 'Hello from the demo page!';
    await expect.poll(() => visitorMessage(page, text).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');
    const events = page.getByRole('list', { name: 'Widget events' });
    await events.getByText(/Widget ready/).waitFor({ timeout: WIDGET_TIMEOUT_MS });
    await events.getByText(/Chat opened/).waitFor({ timeout: WIDGET_TIMEOUT_MS });

    await conversationRow(agent.page, text).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    await expect.poll(() => conversationRow(agent.page, text).textContent(), { timeout: CONSOLE_TIMEOUT_MS }).toContain('Ada Demo');
    await openConversation(agent.page, text);
    const context = visitorRegion(agent.page);
    await context.getByText('Ada Demo').first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText('ada@example.com').first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText('Not verified').first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText(/demo_button_clicked/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText(/Parley demo/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    expect(diagnostics.pageErrors).toEqual([]);
  });

  it('fits a phone: nothing on it is wider than the screen, and the launcher is in view', async () => {
    const env = e2e();
    const { page } = await env.visitor({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${env.relay.publicOrigin}/`);
    const launcherButton = await waitForLauncher(page);
    expect(await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth])).toEqual([390, 390]);
    const box = await launcherButton.boundingBox();
    expect(box && box.x + box.width <= 390 && box.y + box.height <= 844).toBe(true);
  });
});
