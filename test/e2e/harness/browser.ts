/**
 * Debian's Chromium, driven by playwright-core. No downloaded browser: the tests use the same
 * system package a CI machine of this kind installs with `apt-get install chromium`.
 */
import { chromium, type Browser } from 'playwright-core';

/** The system Chromium; override with `PARLEY_CHROMIUM` when it lives elsewhere. */
export const CHROMIUM_PATH = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep a headless run quiet and deterministic (no background traffic, no QUIC). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium. Close it in `afterAll`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
