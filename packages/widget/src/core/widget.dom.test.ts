import { describe, expect, it } from 'vitest';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

describe('Widget', () => {
  it('refuses empty and oversize messages', () => {
    const widget = h.boot({}, { start: false });
    expect(widget.send('   ')).toBe(false);
    expect(widget.send('x'.repeat(4001))).toBe(false);
    expect(localStorage.length).toBe(0);
  });

  it('reports the page, tracked events and identity to the relay', async () => {
    const widget = h.boot();
    widget.track('plan_viewed', { plan: 'pro' });
    await until(widget, online);
    widget.identify({ userId: 'u1', name: 'Ada', email: 'ada@example.com' });
    expect((await h.relay.waitFor('hello')).page?.url).toBe(location.href);
    expect(await h.relay.waitFor('visitor.track')).toEqual({ type: 'visitor.track', event: 'plan_viewed', props: { plan: 'pro' } });
    expect(await h.relay.waitFor('visitor.identify')).toMatchObject({ userId: 'u1', name: 'Ada' });
  });

  it('emits open and close, and toggle reads the state of this task', async () => {
    const widget = h.boot();
    const heard: string[] = [];
    widget.events.on('open', () => heard.push('open'));
    widget.events.on('close', () => heard.push('close'));
    widget.setOpen(true);
    widget.setOpen(true);
    widget.toggle();
    widget.toggle();
    await until(widget, (w) => w.view.open && online(w));
    expect(heard).toEqual(['open', 'close', 'open']);
  });

  it('sends the visitor’s typing inside a conversation, and stops it on send', async () => {
    const widget = h.boot();
    await until(widget, online);
    widget.send('hello');
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    widget.typing();
    expect(await h.relay.waitFor('chat.typing')).toEqual({ type: 'chat.typing', conversationId: 'c1', typing: true });
    widget.send('second');
    expect(await h.relay.waitFor('chat.typing', (f) => !f.typing)).toMatchObject({ conversationId: 'c1' });
  });

  it('stops for good: no reconnect, no storage left when forgetting', async () => {
    const widget = h.boot({ persist: true });
    await until(widget, online);
    expect(localStorage.getItem('parley:demo:token')).toBe('token-1');
    widget.stop(true);
    expect(localStorage.length).toBe(0);
    expect(widget.view.connectivity).toBe('online');
    await new Promise<void>((resolve) => h.relay.sockets[0]!.once('close', () => resolve()));
    expect(h.relay.sockets).toHaveLength(1);
  });
});
