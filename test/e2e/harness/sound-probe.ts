/**
 * Counts the sounds a page tries to play. Browsers expose no "a sound played" event, so the
 * probe wraps the two ways a page can start one (a media element, a Web Audio source) before
 * any page script runs; the count is read with {@link soundCount}.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** Installs the probe in every page of `context`, before the page's own scripts. */
export async function installSoundProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const counter = { count: 0 };
    Object.defineProperty(window, '__parleySounds', { value: counter });
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function playCounted(this: HTMLMediaElement) {
      counter.count += 1;
      return play.call(this);
    };
    if (typeof AudioScheduledSourceNode !== 'undefined') {
      const start = AudioScheduledSourceNode.prototype.start;
      AudioScheduledSourceNode.prototype.start = function startCounted(this: AudioScheduledSourceNode, ...args: [number?]) {
        counter.count += 1;
        return start.apply(this, args);
      };
    }
  });
}

/** How many sounds the page has tried to play so far. */
export function soundCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __parleySounds?: { count: number } }).__parleySounds?.count ?? 0);
}
