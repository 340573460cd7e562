import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleMessage, CONSOLE_TIMEOUT_MS } from './harness/console-app.js';
import {
  AGENT_NAME,
  allowControl,
  COBROWSE_TIMEOUT_MS,
  cobrowseTool,
  selectTool,
  sharingIndicator,
  startCobrowseConversation,
  startSharing,
} from './harness/cobrowse.js';
import { mirrorElements, mirrorPointOnPage } from './harness/cobrowse-mirror.js';
import { bootSnippet, cobrowseShopPage } from './harness/cobrowse-page.js';
import { captureFrames, framesOfType, isError, rawAgent, rawVisitor, welcomeConversationId, type FrameLog } from './harness/cobrowse-wire.js';
import { useE2E } from './harness/e2e-env.js';
import { DEMO_SITE_KEY } from './harness/host-page.js';
import { widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';
import type { CobrowseControlFrame } from '@parley/protocol';

const e2e = useE2E();

/** Controls at the top of the page, so they are on screen in the mirror without scrolling. */
const QUICK_BAR =
  '<p id="quick-bar"><button type="button" id="quick-button" data-count-clicks>Buy now</button> ' +
  '<label for="coupon">Coupon</label> <input id="coupon" name="coupon"> ' +
  '<label for="nickname">Nickname</label> <input id="nickname" name="nickname"></p>';

const clicks = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __clicks: number }).__clicks);
const fieldValue = (page: Page, selector: string): Promise<string> => page.locator(selector).inputValue();

async function bothShow(visitor: Page, agent: Page, text: string): Promise<void> {
  await consoleMessage(agent, text).last().waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
  await widgetMessage(visitor, text).last().waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
}

describe('co-browse remote control', () => {
  it('needs a second consent, then clicks and types on the visitor\'s page until the visitor takes control back', async () => {
    const env = e2e();
    const url = env.host.page(
      '/control',
      cobrowseShopPage(env.relay.origin, {
        intro: QUICK_BAR,
        embed: bootSnippet(env.relay.origin, { siteKey: DEMO_SITE_KEY, cobrowse: { unmask: ['#coupon'] } }),
      }),
    );
    let agentFrames: FrameLog = { sent: [], received: [] };
    const { visitor, agent } = await startCobrowseConversation(env, url, { beforeConsole: (page) => void (agentFrames = captureFrames(page)) });
    const page = visitor.page;
    await startSharing(page, agent.page, '#quick-button');

    // Viewing only: no Control tool, and a forged control frame is refused and does nothing.
    await agent.page.getByRole('button', { name: 'Ask for control' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    expect(await cobrowseTool(agent.page, 'Control').count()).toBe(0);
    const forger = await rawAgent(env.relay);
    const visitorSocket = await rawVisitor(env.relay, page);
    const conversationId = welcomeConversationId(visitorSocket);
    visitorSocket.close();
    try {
      for (let node = 1; node <= 12; node++) forger.send({ type: 'cobrowse.control', conversationId, action: 'click', node } satisfies CobrowseControlFrame);
      forger.send({ type: 'cobrowse.control', conversationId, action: 'scroll', node: 1, x: 0, y: 400 } satisfies CobrowseControlFrame);
      await expect.poll(() => forger.frames.filter(isError('cobrowse_no_control')).length, { timeout: COBROWSE_TIMEOUT_MS }).toBe(13);
      expect(await clicks(page)).toBe(0);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);

      // Second consent.
      await agent.page.getByRole('button', { name: 'Ask for control' }).click();
      await bothShow(page, agent.page, `${AGENT_NAME} asked for remote control`);
      await agent.page.getByRole('button', { name: 'Waiting for control…' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
      expect(await agent.page.getByRole('button', { name: 'Waiting for control…' }).isDisabled()).toBe(true);
      await allowControl(page);
      await bothShow(page, agent.page, 'The visitor allowed remote control');
      await expect.poll(() => sharingIndicator(page).textContent(), { timeout: WIDGET_TIMEOUT_MS }).toContain(`${AGENT_NAME} is controlling this page`);
      await agent.page.getByRole('button', { name: 'Stop control' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
      await selectTool(agent.page, 'Control');

      // The agent clicks a button in the mirror: the visitor's click handler runs.
      const button = await mirrorPointOnPage(agent.page, '#quick-button');
      await agent.page.mouse.click(button.x, button.y);
      await expect.poll(() => clicks(page), { timeout: COBROWSE_TIMEOUT_MS }).toBe(1);
      await expect.poll(() => page.locator('#order-status').textContent()).toBe('Orders placed: 1');

      // Typing: a masked field refuses it, the unmasked one takes it.
      const nickname = await mirrorPointOnPage(agent.page, '#nickname');
      await agent.page.mouse.click(nickname.x, nickname.y);
      await agent.page.keyboard.type('intruder');
      const coupon = await mirrorPointOnPage(agent.page, '#coupon');
      await agent.page.mouse.click(coupon.x, coupon.y);
      await agent.page.keyboard.type('SAVE10');
      await expect.poll(() => fieldValue(page, '#coupon'), { timeout: COBROWSE_TIMEOUT_MS }).toBe('SAVE10');
      expect(await fieldValue(page, '#nickname')).toBe('');
      await expect.poll(async () => (await mirrorElements(agent.page, ['#coupon']))[0]?.value, { timeout: COBROWSE_TIMEOUT_MS }).toBe('SAVE10');

      // The visitor takes control back.
      await sharingIndicator(page).getByRole('button', { name: 'Stop control' }).click();
      await bothShow(page, agent.page, 'The visitor took back control');
      await expect.poll(() => sharingIndicator(page).textContent(), { timeout: WIDGET_TIMEOUT_MS }).toContain(`${AGENT_NAME} is viewing this page`);
      await expect.poll(() => cobrowseTool(agent.page, 'Control').count(), { timeout: CONSOLE_TIMEOUT_MS }).toBe(0);
      await agent.page.getByRole('button', { name: 'Ask for control' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });

      // The exact click the console sent while allowed is refused now and does nothing.
      const sentClicks = framesOfType<CobrowseControlFrame>(agentFrames.sent, 'cobrowse.control').filter((frame) => frame.action === 'click');
      expect(sentClicks.length).toBeGreaterThan(0);
      const refused = forger.frames.filter(isError('cobrowse_no_control')).length;
      forger.send(sentClicks[0]!);
      await expect.poll(() => forger.frames.filter(isError('cobrowse_no_control')).length, { timeout: COBROWSE_TIMEOUT_MS }).toBe(refused + 1);
      expect(await clicks(page)).toBe(1);
      // Viewing goes on.
      await page.evaluate(() => {
        document.getElementById('order-status')!.textContent = 'Still shared';
      });
      await expect.poll(async () => (await mirrorElements(agent.page, ['#order-status']))[0]?.text, { timeout: COBROWSE_TIMEOUT_MS }).toBe('Still shared');
    } finally {
      forger.close();
    }
  });
});
