import { afterEach, describe, expect, it } from 'vitest';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

/** Makes the tab look hidden or visible and tells the widget, as the browser does. */
function setVisibility(state: 'hidden' | 'visible'): void {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  delete (document as { visibilityState?: unknown }).visibilityState;
});

describe('browser signals', () => {
  it('counts nothing read in a hidden tab, and marks it read once the tab shows', async () => {
    const widget = h.boot();
    await until(widget, online);
    setVisibility('hidden');
    widget.setOpen(true);
    h.relay.agentSays('while hidden');
    await until(widget, (w) => w.view.unread === 1);
    setVisibility('visible');
    expect(await h.relay.waitFor('chat.read')).toMatchObject({ conversationId: 'c1', seq: 1 });
    await until(widget, (w) => w.view.unread === 0);
  });

  it('stops listening when the widget stops', async () => {
    const widget = h.boot();
    await until(widget, online);
    setVisibility('hidden');
    widget.setOpen(true);
    h.relay.agentSays('unseen');
    await until(widget, (w) => w.view.unread === 1);
    widget.stop(false);
    setVisibility('visible');
    expect(JSON.parse(localStorage.getItem('parley:demo:state')!).read).toEqual({});
  });
});
