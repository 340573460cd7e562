/**
 * The end-to-end environment for calls: like `useE2E`, but Chromium has a fake microphone
 * (see {@link launchCallBrowser}), and a test can ask for a visitor in a browser whose
 * microphone is refused or missing. Call it at the top of a file or of a `describe`.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchCallBrowser, type Microphone } from './call-browser.js';
import type { E2E } from './e2e-env.js';
import { startHostServer, type HostServer } from './host-server.js';
import { startRelay, type RelayOptions, type RelayProcess } from './relay-process.js';

/** A call environment: the agent's browser (`browser`, fake microphone) and visitors in any kind. */
export interface CallE2E extends E2E {
  /** A new visitor context in a browser whose microphone behaves as `microphone` says. */
  visitorWith(microphone: Microphone, options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
}

/** Options of {@link useCallE2E}. */
export interface CallE2EOptions {
  /** Extra relay flags, e.g. `['--call-ring-ms', '3000']`. */
  relayArgs?: string[];
}

/** Registers `beforeAll`/`afterAll` for one call environment and returns a getter for it. */
export function useCallE2E(options: CallE2EOptions = {}): () => CallE2E {
  let relay: RelayProcess | undefined;
  let host: HostServer | undefined;
  const browsers = new Map<Microphone, Promise<Browser>>();
  let env: CallE2E | undefined;

  const browserFor = (microphone: Microphone): Promise<Browser> => {
    let browser = browsers.get(microphone);
    if (!browser) {
      browser = launchCallBrowser(microphone);
      browsers.set(microphone, browser);
    }
    return browser;
  };

  beforeAll(async () => {
    const relayOptions: RelayOptions = { args: options.relayArgs ?? [] };
    const [browserResult, relayResult, hostResult] = await Promise.allSettled([browserFor('fake'), startRelay(relayOptions), startHostServer()]);
    if (relayResult.status === 'fulfilled') relay = relayResult.value;
    if (hostResult.status === 'fulfilled') host = hostResult.value;
    const failure = [browserResult, relayResult, hostResult].find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure || browserResult.status !== 'fulfilled' || !relay || !host) throw failure?.reason ?? new Error('The call environment did not start.');
    const browser = browserResult.value;
    const newVisitor = async (from: Browser, contextOptions: BrowserContextOptions = {}) => {
      const context = await from.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...contextOptions });
      const page = await context.newPage();
      return { context, page };
    };
    env = {
      browser,
      relay,
      host,
      visitor: (contextOptions) => newVisitor(browser, contextOptions),
      visitorWith: async (microphone, contextOptions) => newVisitor(await browserFor(microphone), contextOptions),
    };
  });

  afterAll(async () => {
    if (relay && process.env.PARLEY_E2E_RELAY_LOG) console.log(relay.output());
    const closing: Promise<unknown>[] = [...browsers.values()].map((browser) => browser.then((b) => b.close()));
    if (relay) closing.push(relay.close());
    if (host) closing.push(host.close());
    await Promise.allSettled(closing);
  });

  return () => {
    if (!env) throw new Error('The call environment is not started (beforeAll failed).');
    return env;
  };
}
