import { describe, expect, it } from 'vitest';
import { online, texts, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

/** What the browser does in this tab when another tab writes `key`. */
function otherTabWrites(key: string, value: string): void {
  localStorage.setItem(key, value);
  dispatchEvent(new StorageEvent('storage', { key, newValue: value }));
}

describe('tab sync', () => {
  it('shows the messages another tab is sending, without sending them itself', async () => {
    const widget = h.boot();
    await until(widget, online);
    otherTabWrites('parley:demo:outbox', JSON.stringify([{ clientId: 'other-tab-1', text: 'from the other tab', at: 1 }]));
    await until(widget, (w) => w.view.messages.length === 1);
    expect(texts(widget)).toEqual(['from the other tab:sending']);
    expect(h.relay.received.some((r) => r.frame.type === 'chat.send')).toBe(false);
  });

  it('clears the unread count when the visitor read in another tab', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.agentSays('hello');
    await until(widget, (w) => w.view.unread === 1);
    otherTabWrites('parley:demo:state', JSON.stringify({ v: 1, read: { c1: 1 } }));
    await until(widget, (w) => w.view.unread === 0);
  });

  it('takes the session another tab started, with its consent, and reconnects with it', async () => {
    const widget = h.boot();
    await until(widget, online);
    expect(localStorage.length).toBe(0);
    otherTabWrites('parley:demo:token', 'token-other');
    await h.relay.waitFor('hello', (_f, connection) => connection === 1);
    expect(h.relay.tokens).toEqual(['token-1', 'token-other']);
    expect(localStorage.getItem('parley:demo:state')).not.toBeNull();
  });

  it('ignores another tab removing the session', async () => {
    const widget = h.boot({ persist: true });
    await until(widget, online);
    localStorage.removeItem('parley:demo:token');
    dispatchEvent(new StorageEvent('storage', { key: 'parley:demo:token', newValue: null }));
    widget.setOpen(true);
    await until(widget, (w) => w.view.open);
    expect(h.relay.sockets).toHaveLength(1);
  });
});
