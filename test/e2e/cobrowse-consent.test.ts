import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleMessage, CONSOLE_TIMEOUT_MS, openConversation } from './harness/console-app.js';
import {
  AGENT_NAME,
  askToSeePage,
  COBROWSE_CHUNK,
  COBROWSE_TIMEOUT_MS,
  consentPrompt,
  sharingIndicator,
  startCobrowseConversation,
  startSharing,
  viewerIframe,
  visitorSays,
  waitForMirror,
} from './harness/cobrowse.js';
import { cobrowseShopPage } from './harness/cobrowse-page.js';
import { captureFrames, type FrameLog, forgedEvents, framesOfType, isError, rawAgent, rawVisitor, welcomeConversationId } from './harness/cobrowse-wire.js';
import { useE2E } from './harness/e2e-env.js';
import { widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

/** Both sides show the timeline line `text`. */
async function bothShow(visitor: Page, agent: Page, text: string): Promise<void> {
  await consoleMessage(agent, text).last().waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
  await widgetMessage(visitor, text).last().waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
}

describe('co-browse consent', () => {
  it('refuses forged page data and pointers before consent and loads the co-browse chunk only after "Share this page"', async () => {
    const env = e2e();
    const requests: string[] = [];
    let agentFrames: FrameLog = { sent: [], received: [] };
    const url = env.host.page('/consent', cobrowseShopPage(env.relay.origin));
    const { visitor, agent } = await startCobrowseConversation(env, url, {
      beforeVisit: (page) => void page.on('request', (request) => requests.push(request.url())),
      beforeConsole: (page) => void (agentFrames = captureFrames(page)),
    });
    const visitorFrames = captureFrames(visitor.page);
    const chunkRequests = (): string[] => requests.filter((request) => COBROWSE_CHUNK.test(new URL(request).pathname));
    // The widget is booted, connected and its panel open: nothing co-browse has loaded.
    expect(requests.some((request) => request.startsWith(`${env.relay.origin}/widget/core.js`))).toBe(true);
    expect(chunkRequests()).toEqual([]);

    const forger = await rawVisitor(env.relay, visitor.page);
    const agentSocket = await rawAgent(env.relay);
    const conversationId = welcomeConversationId(forger);
    try {
      // Nothing asked yet: page data and a pointer are refused, nothing is forwarded.
      forger.send(forgedEvents(conversationId, 'before-request'));
      await forger.waitFor(isError('cobrowse_no_consent'));
      agentSocket.send({ type: 'cobrowse.pointer', conversationId, kind: 'pointer', node: 1, x: 0.5, y: 0.5 });
      await agentSocket.waitFor(isError('cobrowse_no_consent'));

      // Asked but not answered: still no consent.
      await askToSeePage(agent.page);
      await consentPrompt(visitor.page, 'view').waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
      await agent.page.getByText('Waiting for the visitor to share their page').waitFor({ timeout: CONSOLE_TIMEOUT_MS });
      const refusedBefore = forger.frames.filter(isError('cobrowse_no_consent')).length;
      forger.send(forgedEvents(conversationId, 'while-requested'));
      await expect.poll(() => forger.frames.filter(isError('cobrowse_no_consent')).length, { timeout: COBROWSE_TIMEOUT_MS }).toBe(refusedBefore + 1);
      agentSocket.send({ type: 'cobrowse.pointer', conversationId, kind: 'highlight', node: 2, x: 0, y: 0 });
      await expect.poll(() => agentSocket.frames.filter(isError('cobrowse_no_consent')).length, { timeout: COBROWSE_TIMEOUT_MS }).toBe(2);
      expect(chunkRequests()).toEqual([]);

      // The agent's console got none of it: no page data, no viewer; the visitor got no pointer.
      expect(framesOfType(agentFrames.received, 'cobrowse.events')).toEqual([]);
      expect(agentFrames.received.some((text) => text.includes('evil.example'))).toBe(false);
      expect(agentSocket.frames.some((frame) => frame.type === 'cobrowse.events')).toBe(false);
      expect(await viewerIframe(agent.page).count()).toBe(0);
      expect(framesOfType(visitorFrames.received, 'cobrowse.pointer')).toEqual([]);
      expect(await visitor.page.locator('[data-parley-pointer]').count()).toBe(0);

      // Consent: the chunk loads now, and the mirror shows the page.
      await consentPrompt(visitor.page, 'view').getByRole('button', { name: 'Share this page' }).click();
      await expect.poll(() => chunkRequests().length, { timeout: COBROWSE_TIMEOUT_MS }).toBeGreaterThan(0);
      await sharingIndicator(visitor.page).waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
      await waitForMirror(agent.page, '#headline');

      // The visitor's other connection is not the sharing tab: its page data is still refused.
      const refusedAfter = forger.frames.filter(isError('cobrowse_no_consent')).length;
      forger.send(forgedEvents(conversationId, 'not-the-source'));
      await expect.poll(() => forger.frames.filter(isError('cobrowse_no_consent')).length, { timeout: COBROWSE_TIMEOUT_MS }).toBe(refusedAfter + 1);
      expect(agentFrames.received.some((text) => text.includes('evil.example'))).toBe(false);
    } finally {
      forger.close();
      agentSocket.close();
    }
  });

  it('records every request, answer, start and stop on both timelines, and ends sharing from either side', async () => {
    const env = e2e();
    const url = env.host.page('/timeline', cobrowseShopPage(env.relay.origin));
    const { visitor, agent, firstText } = await startCobrowseConversation(env, url);

    // Declined.
    await askToSeePage(agent.page);
    await bothShow(visitor.page, agent.page, `${AGENT_NAME} asked to see the visitor's page`);
    await consentPrompt(visitor.page, 'view').getByRole('button', { name: 'Not now' }).click();
    await bothShow(visitor.page, agent.page, 'The visitor declined to share their page');
    await consentPrompt(visitor.page, 'view').waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });

    // Cancelled by the agent while waiting.
    await askToSeePage(agent.page);
    await consentPrompt(visitor.page, 'view').waitFor({ state: 'visible', timeout: COBROWSE_TIMEOUT_MS });
    await agent.page.getByRole('button', { name: 'Cancel request' }).click();
    await bothShow(visitor.page, agent.page, `${AGENT_NAME} cancelled the co-browse request`);
    await consentPrompt(visitor.page, 'view').waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });

    // Shared, then stopped by the visitor from the indicator.
    await startSharing(visitor.page, agent.page);
    await bothShow(visitor.page, agent.page, 'The visitor started sharing their page');
    await expect.poll(() => sharingIndicator(visitor.page).textContent(), { timeout: WIDGET_TIMEOUT_MS }).toContain(`${AGENT_NAME} is viewing this page`);
    await sharingIndicator(visitor.page).getByRole('button', { name: 'Stop sharing' }).click();
    await bothShow(visitor.page, agent.page, 'The visitor stopped sharing their page');
    await sharingIndicator(visitor.page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
    await viewerIframe(agent.page).waitFor({ state: 'detached', timeout: CONSOLE_TIMEOUT_MS });
    await agent.page.getByRole('button', { name: 'Ask to see page' }).waitFor({ timeout: CONSOLE_TIMEOUT_MS });

    // Consent ended with it: page data from the tab that shared is refused again.
    const forger = await rawVisitor(env.relay, visitor.page);
    try {
      forger.send(forgedEvents(welcomeConversationId(forger), 'after-stop'));
      await forger.waitFor(isError('cobrowse_no_consent'));
    } finally {
      forger.close();
    }

    // Shared again, then stopped by the agent.
    await startSharing(visitor.page, agent.page);
    await agent.page.getByRole('button', { name: 'Stop co-browse' }).click();
    await bothShow(visitor.page, agent.page, `${AGENT_NAME} stopped co-browsing`);
    await sharingIndicator(visitor.page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
    await viewerIframe(agent.page).waitFor({ state: 'detached', timeout: CONSOLE_TIMEOUT_MS });
    expect(await visitor.page.locator('[data-parley-pointer]').count()).toBe(0);

    // The timeline is stored: after a reload the console shows every line, each as often as it happened.
    const last = await visitorSays(visitor.page, 'Thanks, that was quick');
    await agent.page.reload();
    await openConversation(agent.page, last);
    await consoleMessage(agent.page, firstText).waitFor({ timeout: CONSOLE_TIMEOUT_MS });
    const counts = {
      [`${AGENT_NAME} asked to see the visitor's page`]: 4,
      'The visitor declined to share their page': 1,
      [`${AGENT_NAME} cancelled the co-browse request`]: 1,
      'The visitor started sharing their page': 2,
      'The visitor stopped sharing their page': 1,
      [`${AGENT_NAME} stopped co-browsing`]: 1,
    };
    for (const [text, count] of Object.entries(counts)) {
      await expect.poll(() => consoleMessage(agent.page, text).count(), { timeout: CONSOLE_TIMEOUT_MS }).toBe(count);
    }
  });
});
