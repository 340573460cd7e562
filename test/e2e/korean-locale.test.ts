import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { launcher, widgetHost, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

const HANGUL = /[\uAC00-\uD7A3]/;

/** The Parley queue stub followed by an explicit boot, as the README's queue form shows. */
function bootWith(relayOrigin: string, options: string): string {
  return [
    '<script>window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)};</script>',
    `<script>Parley('boot', ${options});</script>`,
    `<script async src="${relayOrigin}/parley.js"></script>`,
  ].join('\n');
}

describe('widget language', () => {
  it('speaks Korean when the browser prefers ko-KR', async () => {
    const env = e2e();
    const { page } = await env.visitor({ locale: 'ko-KR' });
    await page.goto(env.host.page('/ko', hostPage(env.relay.origin, { lang: 'ko' })));
    const button = widgetHost(page).locator('button[aria-expanded]').first();
    await button.waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    // The accessibility tree, as assistive technology reads it: `- button "name"` lines.
    const closed = await widgetHost(page).ariaSnapshot();
    expect(closed).toMatch(new RegExp(`button "[^"]*${HANGUL.source}`));
    expect(await launcher(page).count()).toBe(0);

    await button.click();
    await page.getByRole('dialog').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    const opened = await widgetHost(page).ariaSnapshot();
    expect(opened).toMatch(new RegExp(`dialog "[^"]*${HANGUL.source}`));
    expect(opened).toMatch(new RegExp(`textbox "[^"]*${HANGUL.source}`));
    expect(opened).not.toMatch(/"(Open chat|Close chat|Chat|Messages|Message|Send)"/);
  });

  it('uses the language given at boot over the browser\'s', async () => {
    const env = e2e();
    const { page } = await env.visitor({ locale: 'ko-KR' });
    const embed = bootWith(env.relay.origin, "{ siteKey: 'demo', language: 'en' }");
    await page.goto(env.host.page('/ko-en', hostPage(env.relay.origin, { embed })));
    await launcher(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    expect(await page.getByRole('button', { name: /^Open chat/ }).count()).toBe(1);
  });
});
