/**
 * Shared set-up for the widget's behaviour tests: a fresh stub relay and clean storage per
 * test, widgets booted against it over Node's `ws`, and helpers that await the view instead of
 * sleeping.
 */
import { afterEach, beforeEach } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { BootOptions } from '../core/boot-options.js';
import type { WebSocketFactory } from '../core/socket.js';
import { Widget } from '../core/widget.js';
import { StubRelay } from './stub-relay.js';

/** What a test file gets from {@link useWidgetHarness}. */
export interface WidgetHarness {
  /** The current test's relay. */
  readonly relay: StubRelay;
  /** The current test's relay origin. */
  readonly origin: string;
  /** A widget for site `demo`, started (pass `start: false` to start it yourself); stopped after the test. */
  boot(options?: Partial<BootOptions>, setup?: { WebSocket?: WebSocketFactory; start?: boolean }): Widget;
}

/** Registers the per-test relay and clean-up; call once at the top of a test file. */
export function useWidgetHarness(): WidgetHarness {
  let relay: StubRelay;
  let origin = '';
  const widgets: Widget[] = [];
  beforeEach(async () => {
    localStorage.clear();
    sessionStorage.clear();
    relay = new StubRelay();
    origin = await relay.start();
  });
  afterEach(async () => {
    for (const w of widgets.splice(0)) w.stop(false);
    await relay.close();
  });
  return {
    get relay() {
      return relay;
    },
    get origin() {
      return origin;
    },
    boot(options = {}, setup = {}) {
      const WebSocketImpl = setup.WebSocket ?? (NodeWebSocket as unknown as WebSocketFactory);
      const widget = new Widget(origin, { siteKey: 'demo', ...options }, WebSocketImpl);
      widgets.push(widget);
      if (setup.start !== false) void widget.start();
      return widget;
    },
  };
}

/** Resolves once `check` holds for the widget's view. */
export async function until(widget: Widget, check: (w: Widget) => boolean): Promise<void> {
  while (!check(widget)) {
    await new Promise<void>((resolve) => {
      const off = widget.events.on('change', () => (off(), resolve()));
    });
  }
}

/** The widget is connected and welcomed. */
export const online = (w: Widget): boolean => w.view.connectivity === 'online';

/** The message list as `text:status` (own messages) or `text:author` lines. */
export const texts = (w: Widget): string[] => w.view.messages.map((m) => `${m.text}:${m.status ?? m.author}`);
