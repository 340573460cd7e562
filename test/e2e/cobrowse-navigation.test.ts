import { describe, expect, it } from 'vitest';
import { consoleMessage } from './harness/console-app.js';
import {
  AGENT_NAME,
  COBROWSE_TIMEOUT_MS,
  consentPrompt,
  sharingIndicator,
  startCobrowseConversation,
  startSharing,
} from './harness/cobrowse.js';
import { mirrorMismatches, mirrorTitle } from './harness/cobrowse-mirror.js';
import { cobrowseShopPage } from './harness/cobrowse-page.js';
import { useE2E } from './harness/e2e-env.js';

const e2e = useE2E();

describe('co-browse navigation', () => {
  it('follows an in-page route change and a full page load on the same site without asking again', async () => {
    const env = e2e();
    const url = env.host.page('/shop', cobrowseShopPage(env.relay.origin));
    env.host.page(
      '/delivery',
      cobrowseShopPage(env.relay.origin, {
        title: 'Delivery - Acme Store',
        products: 4,
        intro: '<h2 id="page-two">Delivery information</h2><p id="page-two-text">Orders before 3 pm ship the same day.</p>',
      }),
    );
    const { visitor, agent } = await startCobrowseConversation(env, url);
    const page = visitor.page;
    await startSharing(page, agent.page);

    // In-page route: pushState and new content.
    await page.evaluate(() => {
      (window as unknown as { shopRoute(name: string, html: string): void }).shopRoute(
        'help',
        '<h1 id="help-title">Help centre</h1><p id="help-text">Ask us anything in the chat.</p>',
      );
    });
    const HELP = ['#help-title', '#help-text', '#headline', '#products', '#delivery-link'];
    await expect.poll(() => mirrorMismatches(page, agent.page, HELP), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);

    // Full page load in the same tab: sharing resumes on page 2 with the indicator, no new prompt.
    await page.locator('#delivery-link').click();
    await page.waitForURL(/\/delivery$/);
    await sharingIndicator(page).waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
    await expect.poll(() => sharingIndicator(page).textContent()).toContain(`${AGENT_NAME} is viewing this page`);
    const PAGE_TWO = ['#page-two', '#page-two-text', '#headline', '#help-title', '#products', '#product-4', '#product-5'];
    await expect.poll(() => mirrorMismatches(page, agent.page, PAGE_TWO), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);
    await expect.poll(() => mirrorTitle(agent.page)).toBe('Delivery - Acme Store');
    expect(await consentPrompt(page, 'view').count()).toBe(0);
    expect(await consoleMessage(agent.page, `${AGENT_NAME} asked to see the visitor's page`).count()).toBe(1);

    // Still live on page 2.
    await page.evaluate(() => {
      document.getElementById('page-two-text')!.textContent = 'Express delivery is free this week.';
    });
    await expect.poll(() => mirrorMismatches(page, agent.page, PAGE_TWO), { timeout: COBROWSE_TIMEOUT_MS }).toEqual([]);
  });
});
