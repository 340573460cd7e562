import { describe, expect, it } from 'vitest';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

describe('storage consent', () => {
  it('writes no storage before the visitor interacts, and keeps the session once they do', async () => {
    const widget = h.boot();
    await until(widget, online);
    expect(h.relay.tokens).toEqual(['token-1']);
    expect(localStorage.length).toBe(0);
    widget.setOpen(true);
    expect(localStorage.getItem('parley:demo:token')).toBe('token-1');
    expect(localStorage.getItem('parley:demo:state')).not.toBeNull();
  });

  it('stores the session at boot when the site opts in with persist', async () => {
    const widget = h.boot({ persist: true });
    await until(widget, online);
    expect(localStorage.getItem('parley:demo:token')).toBe('token-1');
  });

  it('keeps writing without a new interaction once a session is stored', async () => {
    localStorage.setItem('parley:demo:token', 'token-1');
    const widget = h.boot();
    await until(widget, online);
    expect(h.relay.sessions).toBe(0);
    expect(localStorage.getItem('parley:demo:state')).not.toBeNull();
  });
});
