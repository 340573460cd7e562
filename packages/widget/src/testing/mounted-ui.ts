/** For UI tests: boots a widget of the harness with its UI mounted, unmounted after each test. */
import { afterEach } from 'vitest';
import type { Widget } from '../core/widget.js';
import { mountUi } from '../ui/mount.js';
import { online, until, type WidgetHarness } from './widget-harness.js';

/** Returns `mounted(language)`: a booted, online widget whose UI is in the page. */
export function useMountedUi(h: WidgetHarness): (language?: string) => Promise<Widget> {
  let unmount: (() => void) | null = null;
  afterEach(() => {
    unmount?.();
    unmount = null;
  });
  return async (language = 'en') => {
    const widget = h.boot({ language });
    unmount = mountUi(widget);
    await until(widget, online);
    return widget;
  };
}
