import { describe, expect, it } from 'vitest';
import { openConversation } from './harness/console-app.js';
import { cobrowseSection, openSecondConsole, startCobrowseConversation, startSharing, viewerIframe, visitorSays } from './harness/cobrowse.js';
import { mirrorMismatches } from './harness/cobrowse-mirror.js';
import { cobrowseShopPage } from './harness/cobrowse-page.js';
import { useE2E } from './harness/e2e-env.js';

const e2e = useE2E();

/** How soon a joining agent must see the current page: from the relay's checkpoint, not a new recording. */
const AT_ONCE_MS = 5_000;

const COMPARED = ['#headline', '#cart-count', '#late-1', '#late-2', '#products', '#product-4', '#order-status'];

describe('co-browse late join', () => {
  it('shows the current page at once to an agent who opens the conversation late, and again after a console reload', async () => {
    const env = e2e();
    const url = env.host.page('/late', cobrowseShopPage(env.relay.origin));
    const { visitor, agent } = await startCobrowseConversation(env, url);
    const page = visitor.page;
    await startSharing(page, agent.page);

    // Changes made after sharing started and before the second agent looks.
    await page.evaluate(() => {
      document.getElementById('headline')!.textContent = 'Changed after sharing began';
      document.getElementById('cart-count')!.textContent = 'Cart: 2 items';
      const late = document.createElement('p');
      late.id = 'late-1';
      late.textContent = 'Added before the second agent joined';
      document.getElementById('headline')!.after(late);
      document.getElementById('product-2')!.remove();
    });
    await expect.poll(() => mirrorMismatches(page, agent.page, COMPARED)).toEqual([]);

    const second = await openSecondConsole(env, await visitorSays(page, 'I am looking at the spring sale'));
    await viewerIframe(second.page).waitFor({ state: 'attached', timeout: AT_ONCE_MS });
    await expect.poll(() => mirrorMismatches(page, second.page, COMPARED), { timeout: AT_ONCE_MS }).toEqual([]);
    await expect
      .poll(() => cobrowseSection(second.page).getByRole('status').first().textContent(), { timeout: AT_ONCE_MS })
      .toContain('1280 × 800');

    // The first agent reloads; the page changes while the console is away.
    await agent.page.reload();
    const last = await visitorSays(page, 'Are you still there?');
    await page.evaluate(() => {
      const late = document.createElement('p');
      late.id = 'late-2';
      late.textContent = 'Added while the console reloaded';
      document.getElementById('late-1')!.after(late);
      document.getElementById('order-status')!.textContent = 'Orders placed: 5';
    });
    await openConversation(agent.page, last);
    await viewerIframe(agent.page).waitFor({ state: 'attached', timeout: AT_ONCE_MS });
    await expect.poll(() => mirrorMismatches(page, agent.page, COMPARED), { timeout: AT_ONCE_MS }).toEqual([]);
    // Both agents keep following live changes.
    await page.evaluate(() => {
      document.getElementById('headline')!.textContent = 'Both agents see this';
    });
    await expect.poll(() => mirrorMismatches(page, agent.page, COMPARED)).toEqual([]);
    await expect.poll(() => mirrorMismatches(page, second.page, COMPARED)).toEqual([]);
    await second.context.close();
  });
});
