import { describe, expect, it } from 'vitest';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

describe('connection', () => {
  it('opens with a hello naming the protocol, the page and the browser language', async () => {
    h.boot();
    expect(await h.relay.waitFor('hello')).toEqual({
      type: 'hello',
      v: 1,
      page: { url: location.href, title: document.title },
      language: navigator.language,
    });
  });

  it('connects with the session token in the URL', async () => {
    const widget = h.boot();
    await until(widget, online);
    expect(h.relay.tokens).toEqual(['token-1']);
  });

  it('shows connecting, then online, then reconnecting while a dropped link comes back', async () => {
    const widget = h.boot();
    const seen: string[] = [widget.view.connectivity];
    widget.events.on('change', () => {
      if (seen.at(-1) !== widget.view.connectivity) seen.push(widget.view.connectivity);
    });
    await until(widget, online);
    h.relay.sockets[0]!.terminate();
    await until(widget, (w) => !online(w));
    await until(widget, online);
    expect(seen).toEqual(['connecting', 'online', 'reconnecting', 'online']);
  });

  it('shows the widget unavailable when the relay refuses the site', async () => {
    h.relay.sessionStatus = 404;
    const widget = h.boot();
    await until(widget, (w) => w.view.connectivity === 'unavailable');
    expect(h.relay.sockets).toHaveLength(0);
  });
});
