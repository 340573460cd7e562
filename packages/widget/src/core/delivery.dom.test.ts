import { describe, expect, it } from 'vitest';
import { online, texts, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

describe('delivery', () => {
  it('shows a sent message as sending, then as sent once acked', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.acking = false;
    widget.send('  hello there  ');
    await until(widget, (w) => w.view.messages.length === 1);
    expect(texts(widget)).toEqual(['hello there:sending']);
    const sent = await h.relay.waitFor('chat.send');
    h.relay.acking = true;
    h.relay.broadcast({ type: 'chat.ack', clientId: sent.clientId, conversationId: 'c1', messageId: 'm1', seq: 1, at: 5 });
    h.relay.messages.push({ id: 'm1', conversationId: 'c1', seq: 1, clientId: sent.clientId, author: 'visitor', authorId: 'v1', text: 'hello there', at: 5 });
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    expect(localStorage.getItem('parley:demo:outbox')).toBeNull();
  });

  it('writes later messages into the conversation on screen', async () => {
    const widget = h.boot();
    await until(widget, online);
    widget.send('first');
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    h.relay.acking = false;
    widget.send('second');
    expect(await h.relay.waitFor('chat.send', (f) => f.text === 'second')).toMatchObject({ conversationId: 'c1' });
    expect(JSON.parse(localStorage.getItem('parley:demo:outbox')!)[0].conversationId).toBe('c1');
  });

  it('resends an unacked message after reconnecting, and it arrives exactly once', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.acking = false;
    widget.send('while down');
    const first = await h.relay.waitFor('chat.send');
    h.relay.sockets[0]!.terminate();
    await until(widget, (w) => w.view.messages[0]?.status === 'failed');
    h.relay.acking = true;
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    const sends = h.relay.received.filter((r) => r.frame.type === 'chat.send');
    expect(sends.every((r) => r.frame.type === 'chat.send' && r.frame.clientId === first.clientId)).toBe(true);
    expect(h.relay.messages.filter((m) => m.text === 'while down')).toHaveLength(1);
    expect(texts(widget)).toEqual(['while down:sent']);
  });

  it('settles a message whose echo arrives before its ack', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.acking = false;
    widget.send('echoed');
    const sent = await h.relay.waitFor('chat.send');
    h.relay.broadcast({
      type: 'chat.message',
      message: { id: 'm1', conversationId: 'c1', seq: 1, clientId: sent.clientId, author: 'visitor', authorId: 'v1', text: 'echoed', at: 5 },
    });
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    expect(texts(widget)).toEqual(['echoed:sent']);
    expect(localStorage.getItem('parley:demo:outbox')).toBeNull();
  });

  it('shows a refused message as failed and lets the relay pick the conversation on retry', async () => {
    const widget = h.boot();
    await until(widget, online);
    widget.send('first');
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    h.relay.acking = false;
    widget.send('second');
    const sent = await h.relay.waitFor('chat.send', (f) => f.text === 'second');
    h.relay.broadcast({ type: 'error', code: 'forbidden', message: 'not yours', ref: sent.clientId });
    await until(widget, (w) => w.view.messages[1]?.status === 'failed');
    expect(JSON.parse(localStorage.getItem('parley:demo:outbox')!)[0]).not.toHaveProperty('conversationId');
  });

  it('keeps a message refused while the relay cannot reach its database, and delivers it once after', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.refusing = 'unavailable';
    widget.send('during the outage');
    const first = await h.relay.waitFor('chat.send');
    await until(widget, (w) => w.view.messages[0]?.status === 'failed');
    // Shown as "Not sent, retrying…", kept where a reload finds it, and tried again on the same link.
    expect(texts(widget)).toEqual(['during the outage:failed']);
    expect(JSON.parse(localStorage.getItem('parley:demo:outbox')!)).toMatchObject([{ clientId: first.clientId, text: 'during the outage' }]);
    const sends = () => h.relay.received.filter((r) => r.frame.type === 'chat.send');
    await h.relay.waitFor('chat.send', () => sends().length >= 2);
    h.relay.refusing = null;
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    expect(sends().every((r) => r.frame.type === 'chat.send' && r.frame.clientId === first.clientId)).toBe(true);
    expect(new Set(sends().map((r) => r.connection)).size).toBe(1);
    expect(h.relay.messages.filter((m) => m.text === 'during the outage')).toHaveLength(1);
    expect(texts(widget)).toEqual(['during the outage:sent']);
    expect(localStorage.getItem('parley:demo:outbox')).toBeNull();
    // Two retry ticks (RETRY_TICK_MS each) on a loaded machine; without the prompt retry it takes two ack timeouts.
  }, 15_000);
});
