/**
 * The widget and the console in Chromium on a relay whose PostgreSQL restarts mid-conversation:
 * what the visitor and the agent write while the database is down shows as "Not sent,
 * retrying…" (the relay refuses it, never acknowledges it), and once the database is back each
 * message is delivered by itself, once, in the order it was written, with nobody pressing
 * anything and the relay never restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { startNode, type RelayNode } from '../../server/test/cluster/relay-node.js';
import { ADMIN_PASSWORD } from '../../server/test/relay-harness.js';
import { startPostgres, type TestPostgres } from '../../server/test/servers/postgres.js';
import { launchBrowser } from './harness/browser.js';
import { consoleLog, consoleMessage, replyFromConsole, signInConsole } from './harness/console-app.js';
import { firstMessage } from './harness/conversation.js';
import { hostPage } from './harness/host-page.js';
import { startHostServer, type HostServer } from './harness/host-server.js';
import type { RelayProcess } from './harness/relay-process.js';
import { unique } from './harness/unique.js';
import { openWidget, sendFromWidget, visitorMessage, widgetLog, widgetMessage } from './harness/widget.js';

/** The retry ticks of widget and console are a few seconds; allow for a loaded machine. */
const RECOVERY_MS = 30_000;

let postgres: TestPostgres;
let host: HostServer;
let browser: Browser;
let node: RelayNode;

beforeAll(async () => {
  [postgres, host, browser] = await Promise.all([startPostgres(), startHostServer(), launchBrowser()]);
  node = await startNode({ name: 'relay', env: { PARLEY_DATABASE_URL: await postgres.createDatabase() } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await node?.kill();
  await Promise.all([postgres?.stop(), host?.close()]);
});

describe('the widget and the console while PostgreSQL restarts', () => {
  it('keep what was written during the outage and deliver it once, in order, when the database is back', async () => {
    const relay = { origin: node.url, publicOrigin: node.url, adminEmail: 'admin@localhost', adminPassword: ADMIN_PASSWORD } as RelayProcess;
    const agent = await signInConsole(browser, relay);
    const visitorContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await visitorContext.newPage();
    await page.goto(host.page('/shop', hostPage(node.url)));
    const first = await firstMessage(page, agent.page, 'Hello before the outage');

    await postgres.shutdown();
    const visitorWrote = [unique('Typed while the database was down'), unique('And a second one')];
    for (const text of visitorWrote) await sendFromWidget(page, text);
    const reply = unique('Agent reply during the outage');
    await replyFromConsole(agent.page, reply);
    // Refused, never acknowledged: both stay on screen as retrying.
    for (const text of visitorWrote) {
      await expect.poll(() => visitorMessage(page, text).innerText(), { timeout: RECOVERY_MS }).toMatch(/Not sent, retrying…/);
    }
    await expect
      .poll(() => consoleLog(agent.page).locator('[data-status]').filter({ hasText: reply }).innerText(), { timeout: RECOVERY_MS })
      .toMatch(/Not sent, retrying…/);

    await postgres.restart();
    for (const text of visitorWrote) {
      await expect.poll(() => visitorMessage(page, text).getAttribute('data-status'), { timeout: RECOVERY_MS }).toBe('sent');
      await consoleMessage(agent.page, text).waitFor({ state: 'visible', timeout: RECOVERY_MS });
    }
    await widgetMessage(page, reply).waitFor({ state: 'visible', timeout: RECOVERY_MS });

    // Once each, the visitor's in the order written, on both sides; and the same after a reload (what is stored).
    const inOrder = async (log: Locator, texts: string[]): Promise<string[]> => {
      const all = await log.innerText();
      return texts.filter((t) => all.includes(t)).sort((x, y) => all.indexOf(x) - all.indexOf(y));
    };
    const visitorLines = [first, ...visitorWrote];
    expect(await inOrder(consoleLog(agent.page), visitorLines)).toEqual(visitorLines);
    for (const text of [...visitorWrote, reply]) {
      expect(await consoleMessage(agent.page, text).count()).toBe(1);
      expect(await widgetMessage(page, text).count()).toBe(1);
    }
    await page.reload();
    await openWidget(page);
    await expect.poll(() => inOrder(widgetLog(page), visitorLines), { timeout: RECOVERY_MS }).toEqual(visitorLines);
    await widgetMessage(page, reply).waitFor({ state: 'visible', timeout: RECOVERY_MS });
    expect(await widgetMessage(page, reply).count()).toBe(1);
    expect(node.process.exitCode).toBeNull();
  }, 120_000);
});
