/**
 * A call environment where ICE cannot succeed. Chromium runs with its real IP-handling policy
 * `default_public_interface_only` (the `WebRtcIPHandlingPolicy` an administrator can set): it
 * offers no host candidates, only what STUN says its public address is. The relay hands every
 * call a dead-end STUN server (see {@link startDeadEndStun}) whose answer is an address that
 * drops everything, so each side checks only that address and both connections end `failed`,
 * after Chromium's own ICE timeout. The fake microphone is the one of the other call tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.js';
import type { CallE2E } from './call-env.js';
import { startDeadEndStun, type DeadEndStun } from './call-failure-stun.js';
import { startHostServer, type HostServer } from './host-server.js';
import { startRelay, type RelayProcess } from './relay-process.js';

/** Chromium flags: the fake microphone, and candidates limited to the STUN-reported address. */
const UNREACHABLE_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--webrtc-ip-handling-policy=default_public_interface_only',
];

/** A call environment whose calls cannot connect, and the STUN server that makes it so. */
export interface UnreachableCallE2E extends CallE2E {
  stun: DeadEndStun;
}

/**
 * Registers `beforeAll`/`afterAll` for one environment whose calls cannot connect, and returns
 * a getter for it. Agent and visitor get contexts of the same restricted browser.
 */
export function useUnreachableCallE2E(): () => UnreachableCallE2E {
  let stun: DeadEndStun | undefined;
  let relay: RelayProcess | undefined;
  let host: HostServer | undefined;
  let browser: Browser | undefined;
  let env: UnreachableCallE2E | undefined;

  beforeAll(async () => {
    // The relay needs the STUN server's port on its command line, so STUN starts first.
    stun = await startDeadEndStun();
    const [browserResult, relayResult, hostResult] = await Promise.allSettled([
      chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...UNREACHABLE_ARGS] }),
      startRelay({ args: ['--stun-urls', stun.url] }),
      startHostServer(),
    ]);
    if (browserResult.status === 'fulfilled') browser = browserResult.value;
    if (relayResult.status === 'fulfilled') relay = relayResult.value;
    if (hostResult.status === 'fulfilled') host = hostResult.value;
    const failure = [browserResult, relayResult, hostResult].find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure || !browser || !relay || !host) throw failure?.reason ?? new Error('The unreachable call environment did not start.');
    const from = browser;
    const visitor: CallE2E['visitor'] = async (contextOptions = {}) => {
      const context = await from.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...contextOptions });
      return { context, page: await context.newPage() };
    };
    env = {
      browser,
      relay,
      host,
      stun,
      visitor,
      visitorWith: (microphone, contextOptions) =>
        microphone === 'fake' ? visitor(contextOptions) : Promise.reject(new Error(`This environment has only the fake microphone, not "${microphone}".`)),
    };
  });

  afterAll(async () => {
    if (relay && process.env.PARLEY_E2E_RELAY_LOG) console.log(relay.output());
    await Promise.allSettled([browser?.close(), relay?.close(), host?.close(), stun?.close()]);
  });

  return () => {
    if (!env) throw new Error('The unreachable call environment is not started (beforeAll failed).');
    return env;
  };
}
