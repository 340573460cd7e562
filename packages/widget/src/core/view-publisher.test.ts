import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';
import { strings } from './i18n.js';
import type { WidgetView } from './view.js';
import { ViewPublisher } from './view-publisher.js';
import type { WidgetEvents } from './widget-events.js';

function view(unread: number): WidgetView {
  return {
    open: false, connectivity: 'online', agentsOnline: 1, messages: [], agentTyping: false, unread,
    language: 'en', strings: strings('en'), maxTextLength: 4000, callable: true, cobrowse: null,
  };
}

/** Resolves on the next `change` the publisher emits. */
function nextChange(events: Emitter<WidgetEvents>): Promise<void> {
  return new Promise((resolve) => {
    const off = events.on('change', () => (off(), resolve()));
  });
}

describe('ViewPublisher', () => {
  it('rebuilds once for many changes in one task', async () => {
    const events = new Emitter<WidgetEvents>();
    let builds = 0;
    let changes = 0;
    const publisher = new ViewPublisher(events, () => (builds++, view(0)));
    events.on('change', () => changes++);
    const changed = nextChange(events);
    publisher.changed();
    publisher.changed();
    publisher.changed();
    await changed;
    await Promise.resolve();
    expect([builds, changes]).toEqual([2, 1]);
  });

  it('emits unread only when the count moves', async () => {
    const events = new Emitter<WidgetEvents>();
    let unread = 0;
    const heard: number[] = [];
    const publisher = new ViewPublisher(events, () => view(unread));
    events.on('unread', (n) => heard.push(n));
    for (const next of [0, 2, 2, 0]) {
      unread = next;
      const changed = nextChange(events);
      publisher.changed();
      await changed;
    }
    expect(heard).toEqual([2, 0]);
    expect(publisher.view.unread).toBe(0);
  });
});
