import type { ConsoleMessage, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parleyCli } from './harness/cli.js';
import { useE2E, type E2E } from './harness/e2e-env.js';
import { hostPage, snippet } from './harness/host-page.js';
import { launcher, openWidget, panel, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

/** A site whose allowlist does not hold the host pages' origin. */
const SHOP_KEY = 'shop';
/** Longer than many reconnect backoffs (first within 0.5 s, doubling up to 30 s). */
const BACKOFF_SPAN_MS = 120_000;

/** What the page does towards the relay, from the browser's own events. */
interface RelayTraffic {
  /** `METHOD path` of every HTTP request to the relay. */
  requests: string[];
  /** WebSocket connections the page opened to the relay. */
  sockets: number;
  /** Console lines that start with `Parley:`. */
  lines: ConsoleMessage[];
}

function watch(page: Page, relayOrigin: string): RelayTraffic {
  const traffic: RelayTraffic = { requests: [], sockets: 0, lines: [] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === relayOrigin) traffic.requests.push(`${request.method()} ${url.pathname}`);
  });
  page.on('websocket', (socket) => {
    if (socket.url().startsWith(relayOrigin.replace(/^http/, 'ws'))) traffic.sockets += 1;
  });
  page.on('console', (message) => {
    if (message.text().startsWith('Parley:')) traffic.lines.push(message);
  });
  return traffic;
}

/**
 * Runs the page's timers `ms` ahead, then sends one marker request: once its event is seen,
 * every request those timers started has been seen too.
 */
async function step(page: Page, relayOrigin: string, traffic: RelayTraffic, ms: number): Promise<void> {
  await page.clock.runFor(ms);
  const marker = page.waitForRequest((request) => request.url().endsWith('/healthz?marker'));
  await page.evaluate((origin) => void fetch(`${origin}/healthz?marker`, { mode: 'no-cors' }).catch(() => undefined), relayOrigin);
  await marker;
  traffic.requests.splice(traffic.requests.indexOf('GET /healthz'), 1);
}

/** Runs the page's timers `BACKOFF_SPAN_MS` ahead in steps (the fake clock fires every backoff that would have been scheduled). */
async function runBackoff(page: Page, relayOrigin: string, traffic: RelayTraffic): Promise<void> {
  const steps = 10;
  for (let n = 0; n < steps; n++) await step(page, relayOrigin, traffic, BACKOFF_SPAN_MS / steps);
}

/**
 * Loads a host page embedding `siteKey` with a fake clock, and waits for the widget's one line.
 * The widget asks a second time, a second later on the page's clock, before it calls an
 * unreadable answer a refusal, so the clock is moved on until the line is printed.
 */
async function refusedPage(env: E2E, path: string, siteKey: string) {
  const { page } = await env.visitor();
  const traffic = watch(page, env.relay.origin);
  await page.clock.install();
  await page.goto(env.host.page(path, hostPage(env.relay.origin, { embed: snippet(env.relay.origin, siteKey) })));
  await expect
    .poll(
      async () => {
        await step(page, env.relay.origin, traffic, 250);
        return traffic.lines.length;
      },
      { timeout: WIDGET_TIMEOUT_MS },
    )
    .toBe(1);
  return { page, traffic };
}

/** The panel tells the truth: chat cannot start here, and nothing pretends otherwise. */
async function expectHonestPanel(page: Page): Promise<void> {
  const dialog = await openWidget(page);
  await dialog.getByText('Chat is not available on this page.').waitFor({ timeout: WIDGET_TIMEOUT_MS });
  expect(await dialog.getByText(/typically reply/).count()).toBe(0);
  expect(await dialog.getByText(/Ask us anything/).count()).toBe(0);
  expect(await dialog.getByRole('textbox').count()).toBe(0);
  expect(await dialog.getByRole('button', { name: 'Send' }).count()).toBe(0);
  expect(await dialog.getByRole('button', { name: 'Start a call' }).count()).toBe(0);
  await dialog.getByRole('button', { name: 'Close chat' }).click();
  await panel(page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
}

describe('install errors', () => {
  it('a wrong site key: one console line naming both causes and their fixes, no retry, an honest panel', async () => {
    const env = e2e();
    const { page, traffic } = await refusedPage(env, '/wrong-key', 'no-such-key');
    const relay = env.relay.origin;
    const host = env.host.origin;
    await runBackoff(page, relay, traffic);

    expect(traffic.lines.map((m) => m.text())).toEqual([
      `Parley: ${relay} refused this page. Either site key "no-such-key" is unknown to ${relay} (list the keys with: npx parley site list), ` +
        `or ${host} is not an allowed origin of site "no-such-key" (add it with: npx parley site origins --key no-such-key --add ${host}). The relay's log says which.`,
    ]);
    expect(traffic.lines[0]!.type()).toBe('error');
    // A session request and a look at whether the relay is up, both once more to rule out a relay
    // that was restarting, then the line's own chunk: nothing retried after that.
    expect(traffic.requests.filter((r) => r === 'POST /api/visitors')).toHaveLength(2);
    expect(traffic.requests.filter((r) => r === 'HEAD /parley.js')).toHaveLength(2);
    expect(traffic.sockets).toBe(0);
    await expectHonestPanel(page);
    await expect.poll(() => env.relay.output(), { timeout: WIDGET_TIMEOUT_MS }).toContain('site key "no-such-key" is unknown');
  });

  it('a page origin missing from the allowlist: the same kind of line, no retry, an honest panel; the relay log names the cause', async () => {
    const env = e2e();
    await parleyCli(env.relay, ['site', 'add', '--name', 'Shop', '--origins', 'https://shop.example', '--key', SHOP_KEY]);
    const { page, traffic } = await refusedPage(env, '/not-allowed', SHOP_KEY);
    const relay = env.relay.origin;
    const host = env.host.origin;
    await runBackoff(page, relay, traffic);

    expect(traffic.lines.map((m) => m.text())).toEqual([
      `Parley: ${relay} refused this page. Either site key "${SHOP_KEY}" is unknown to ${relay} (list the keys with: npx parley site list), ` +
        `or ${host} is not an allowed origin of site "${SHOP_KEY}" (add it with: npx parley site origins --key ${SHOP_KEY} --add ${host}). The relay's log says which.`,
    ]);
    expect(traffic.requests.filter((r) => r === 'POST /api/visitors')).toHaveLength(2);
    expect(traffic.sockets).toBe(0);
    await expectHonestPanel(page);
    await expect
      .poll(() => env.relay.output(), { timeout: WIDGET_TIMEOUT_MS })
      .toContain(`${host} is not an allowed origin of site "${SHOP_KEY}"; add it with \`parley site origins --key ${SHOP_KEY} --add ${host}\``);

    // What a stranger's page sees of an unknown key and of a known key that refuses it: the same failure.
    const seen = await page.evaluate(async (origin) => {
      const attempt = (siteKey: string) =>
        fetch(`${origin}/api/visitors`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ siteKey }) }).then(
          (response) => `answered ${response.status}`,
          (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`,
        );
      return [await attempt('no-such-key'), await attempt('shop')];
    }, relay);
    expect(seen[0]).toMatch(/^TypeError/);
    expect(seen[1]).toBe(seen[0]);
  });

  it('an unreachable relay: one console line, and the widget keeps retrying with backoff', async () => {
    const env = e2e();
    const { page } = await env.visitor();
    const traffic = watch(page, env.relay.origin);
    await page.clock.install();
    await page.goto(env.host.page('/unreachable', hostPage(env.relay.origin)));
    await openWidget(page);
    await expect.poll(() => traffic.sockets, { timeout: WIDGET_TIMEOUT_MS }).toBe(1);
    await env.relay.kill();
    try {
      await panel(page).getByText('Reconnecting…').waitFor({ timeout: WIDGET_TIMEOUT_MS });
      // Each step fires the pending backoff; the next is scheduled once the failed attempt closes.
      const retried = async (count: number) =>
        expect
          .poll(async () => {
            await page.clock.runFor(5_000);
            return traffic.sockets;
          }, { timeout: WIDGET_TIMEOUT_MS })
          .toBeGreaterThanOrEqual(count);
      await retried(5);
      await expect.poll(() => traffic.lines.length, { timeout: WIDGET_TIMEOUT_MS }).toBe(1);
      expect(traffic.lines.map((m) => m.text())).toEqual([
        `Parley: cannot reach ${env.relay.origin}; retrying. Is it running, https for an https page, and allowed by the page's CSP (connect-src ${env.relay.origin} ${env.relay.origin.replace(/^http/, 'ws')})?`,
      ]);
      // Still retrying, and still no contradiction: the panel says it is reconnecting, with its composer.
      await retried(traffic.sockets + 2);
      expect(traffic.lines).toHaveLength(1);
      await panel(page).getByRole('textbox', { name: 'Message' }).waitFor({ timeout: WIDGET_TIMEOUT_MS });
      expect(await panel(page).getByText('Chat is not available on this page.').count()).toBe(0);
    } finally {
      await env.relay.restart();
    }
    await expect(launcher(page).count()).resolves.toBe(1);
  });
});
