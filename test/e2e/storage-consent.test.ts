import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY, hostPage } from './harness/host-page.js';
import { openWidget, waitForLauncher, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

/** Everything the host page's origin holds: cookies and both web storages. */
function hostStorage(page: Page): Promise<{ cookie: string; local: string[]; session: string[] }> {
  return page.evaluate(() => ({
    cookie: document.cookie,
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
  }));
}

/**
 * Counts, in `window.parleyWelcomes`, the relay's session replies (`welcome`) the page has
 * finished handling: the count rises in a task queued by a listener that runs before the
 * widget's, so it runs after the widget's own handling of the frame and the writes that follow.
 */
async function countWelcomes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const counted = window as unknown as { parleyWelcomes: number };
    counted.parleyWelcomes = 0;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (event: MessageEvent) => {
          if (typeof event.data === 'string' && event.data.includes('"type":"welcome"')) {
            setTimeout(() => (counted.parleyWelcomes += 1));
          }
        });
      }
    };
  });
}

/** Waits until the page handled its `count`th session reply from the relay. */
async function welcomed(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { parleyWelcomes: number }).parleyWelcomes >= n, count, { timeout: WIDGET_TIMEOUT_MS });
}

/** Cookies of every origin in the context, the relay's included. */
async function cookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((cookie) => `${cookie.domain}:${cookie.name}`);
}

describe('storage before the first interaction', () => {
  it('writes no cookie and no storage until the visitor opens the widget, then keeps its token', async () => {
    const env = e2e();
    const { context, page } = await env.visitor();
    await countWelcomes(page);
    await page.goto(env.host.page('/landing', hostPage(env.relay.origin)));
    await waitForLauncher(page);
    // Give the booted widget every chance to write: wait until its session is established (the
    // visitor token issued, the socket welcomed) and the widget has handled the reply.
    await welcomed(page, 1);

    expect(await hostStorage(page)).toEqual({ cookie: '', local: [], session: [] });
    expect(await cookieNames(context)).toEqual([]);

    // Reloading is not an interaction either.
    await page.reload();
    await waitForLauncher(page);
    await welcomed(page, 1);
    expect(await hostStorage(page)).toEqual({ cookie: '', local: [], session: [] });

    await openWidget(page);
    const tokenKey = `parley:${DEMO_SITE_KEY}:token`;
    await page.waitForFunction((key) => localStorage.getItem(key) !== null, tokenKey, { timeout: WIDGET_TIMEOUT_MS });
    const after = await hostStorage(page);
    expect(after.local).toContain(tokenKey);
    expect(after.local.every((key) => key.startsWith(`parley:${DEMO_SITE_KEY}:`))).toBe(true);
    expect(after.cookie).toBe('');
  });
});
