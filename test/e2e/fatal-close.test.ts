import type { ConsoleMessage } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness/e2e-env.js';
import { hostPage } from './harness/host-page.js';
import { openWidget, panel, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('a fatal socket close', () => {
  it('a relay that speaks another protocol version: one console line naming the cause and the fix, an honest panel', async () => {
    const env = e2e();
    const { page } = await env.visitor();
    const lines: ConsoleMessage[] = [];
    page.on('console', (message) => {
      if (message.text().startsWith('Parley:')) lines.push(message);
    });
    // The page's widget says it speaks another version; the real relay refuses it (close 4000).
    const relaySocket = new RegExp(`^${env.relay.origin.replace(/^http/, 'ws').replace(/[.]/g, '\\.')}/`);
    await page.routeWebSocket(relaySocket, (socket) => {
      const server = socket.connectToServer();
      socket.onMessage((message) => {
        const frame = typeof message === 'string' ? (JSON.parse(message) as { type?: string; v?: number }) : null;
        if (frame?.type === 'hello') frame.v = 999;
        server.send(frame ? JSON.stringify(frame) : message);
      });
    });
    await page.goto(env.host.page('/old-widget', hostPage(env.relay.origin)));
    await openWidget(page);
    await panel(page).getByText('Chat is not available on this page.').waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    const relay = env.relay.origin;
    await expect.poll(() => lines.map((line) => line.text()), { timeout: WIDGET_TIMEOUT_MS }).toEqual([
      `Parley: ${relay} speaks another protocol version than this widget (1): the page loads a widget older or newer than the relay. ` +
        `Load ${relay}/parley.js as the install snippet does, not a cached, pinned or copied script, and reload.`,
    ]);
    expect(lines[0]!.type()).toBe('error');
  });
});
