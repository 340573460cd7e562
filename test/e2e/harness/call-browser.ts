/**
 * Chromium for call tests. Media comes from Chromium's own fake capture device (a beeping tone),
 * and the permission prompt is answered by Chromium itself, so nothing in the page is stubbed:
 * what the widget and console get from `getUserMedia` is what a real browser would give them.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.js';

/**
 * What the browser's microphone does:
 * - `fake`: a fake device, and the prompt answered "allow" (`--use-fake-ui-for-media-stream`);
 * - `refused`: a fake device, but no fake prompt, so headless Chromium dismisses the prompt and
 *   `getUserMedia` rejects with `NotAllowedError` (a context created with the `microphone`
 *   permission would be allowed; the call tests never grant it);
 * - `missing`: no device at all, so `getUserMedia` rejects with `NotFoundError` (this machine has
 *   no sound card; Chromium, without a fake device, finds none).
 */
export type Microphone = 'fake' | 'refused' | 'missing';

const MICROPHONE_ARGS: Record<Microphone, string[]> = {
  fake: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  refused: ['--use-fake-device-for-media-stream'],
  missing: [],
};

/** Launches headless Chromium whose microphone behaves as `microphone` says. Close it when done. */
export function launchCallBrowser(microphone: Microphone = 'fake'): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...MICROPHONE_ARGS[microphone]],
  });
}
