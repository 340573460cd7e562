import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_TIMEOUT_MS, openConversation, replyFromConsole, signInConsole, visitorRegion } from './harness/console-app.js';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY } from './harness/host-page.js';
import { ROOT } from './harness/paths.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('examples/script-tag (queue form)', () => {
  it('is served by the relay with its own address and site key filled in, on whatever port it runs', async () => {
    const env = e2e();
    const source = await readFile(join(ROOT, 'examples/script-tag/index.html'), 'utf8');
    expect(source).not.toMatch(/localhost:\d+/);
    expect(source).toContain('<script async src="__PARLEY_ORIGIN__/parley.js"></script>');

    const response = await fetch(`${env.relay.publicOrigin}/examples/script-tag/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('__PARLEY_');
    expect(html).toContain(`<script async src="${env.relay.publicOrigin}/parley.js"></script>`);
    expect(html).toContain(`Parley('boot', { siteKey: '${DEMO_SITE_KEY}' });`);
  });

  it('copied from the relay onto another site: boots from the queue, identifies, tracks and hears agent messages through on(message)', async () => {
    const env = e2e();
    // What the example's README tells a user to do: take the filled-in page from their relay.
    const copied = await (await fetch(`${env.relay.publicOrigin}/examples/script-tag/`)).text();
    const url = env.host.page('/example', copied);

    const agent = await signInConsole(env.browser, env.relay);
    const { page } = await env.visitor();
    await page.goto(url);
    await openWidget(page);
    const question = unique('Sent from the script-tag example');
    await sendFromWidget(page, question);
    await expect.poll(() => visitorMessage(page, question).getAttribute('data-status'), { timeout: WIDGET_TIMEOUT_MS }).toBe('sent');

    await openConversation(agent.page, question);
    const context = visitorRegion(agent.page);
    await context.getByText('Grace Example').first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    await context.getByText(/viewed_pricing/).first().waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    const answer = unique('Welcome, Grace.');
    await replyFromConsole(agent.page, answer);
    await expect.poll(() => page.locator('#last-message').textContent(), { timeout: WIDGET_TIMEOUT_MS }).toBe(`agent: ${answer}`);
  });
});
