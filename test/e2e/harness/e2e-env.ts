/**
 * One end-to-end environment per test file: Chromium, a fresh relay and a host-page server.
 * `useE2E()` wires it to the file's `beforeAll`/`afterAll` and hands the tests a getter.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startHostServer, type HostServer } from './host-server.js';
import { startRelay, type RelayOptions, type RelayProcess } from './relay-process.js';

/** Everything a test drives. */
export interface E2E {
  browser: Browser;
  relay: RelayProcess;
  host: HostServer;
  /** A new visitor context (English, desktop size unless overridden) with one page. */
  visitor(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
}

/** Starts the environment; `close` it when done. */
export async function startE2E(options: RelayOptions = {}): Promise<E2E & { close(): Promise<void> }> {
  const started = await Promise.allSettled([launchBrowser(), startRelay(options), startHostServer()]);
  const [browserResult, relayResult, hostResult] = started;
  if (browserResult.status !== 'fulfilled' || relayResult.status !== 'fulfilled' || hostResult.status !== 'fulfilled') {
    // Close whatever did start, so a failed setup leaves no browser or relay running.
    await Promise.allSettled([
      browserResult.status === 'fulfilled' ? browserResult.value.close() : null,
      relayResult.status === 'fulfilled' ? relayResult.value.close() : null,
      hostResult.status === 'fulfilled' ? hostResult.value.close() : null,
    ]);
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    throw failure?.reason ?? new Error('The end-to-end environment did not start.');
  }
  const browser = browserResult.value;
  const relay = relayResult.value;
  const host = hostResult.value;
  return {
    browser,
    relay,
    host,
    async visitor(contextOptions = {}) {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...contextOptions });
      const page = await context.newPage();
      return { context, page };
    },
    async close() {
      await Promise.allSettled([browser.close(), relay.close(), host.close()]);
    },
  };
}

/**
 * Registers `beforeAll`/`afterAll` for one environment and returns a getter for it. Set
 * `PARLEY_E2E_RELAY_LOG=1` to print the relay's output when the file ends.
 */
export function useE2E(options: RelayOptions = {}): () => E2E {
  let env: (E2E & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    env = await startE2E(options);
  });
  afterAll(async () => {
    if (env && process.env.PARLEY_E2E_RELAY_LOG) console.log(env.relay.output());
    await env?.close();
  });
  return () => {
    if (!env) throw new Error('The end-to-end environment is not started (beforeAll failed).');
    return env;
  };
}
