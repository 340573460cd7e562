import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { StubRelay } from '../testing/stub-relay.js';
import type { WebSocketFactory } from './socket.js';
import { Widget } from './widget.js';
import type { BootOptions, PublicMessage } from './widget.js';

let relay: StubRelay;
let origin: string;
const widgets: Widget[] = [];

beforeEach(async () => {
  localStorage.clear();
  relay = new StubRelay();
  origin = await relay.start();
});

afterEach(async () => {
  for (const w of widgets.splice(0)) w.stop(false);
  await relay.close();
});

function boot(options: Partial<BootOptions> = {}): Widget {
  const widget = new Widget(origin, { siteKey: 'demo', ...options }, NodeWebSocket as unknown as WebSocketFactory);
  widgets.push(widget);
  void widget.start();
  return widget;
}

/** Resolves once `check` holds for the widget's view. */
async function until(widget: Widget, check: (w: Widget) => boolean): Promise<void> {
  while (!check(widget)) await new Promise<void>((resolve) => { const off = widget.events.on('change', () => (off(), resolve())); });
}

const online = (w: Widget) => w.view.connectivity === 'online';
const texts = (w: Widget) => w.view.messages.map((m) => `${m.text}:${m.status ?? m.author}`);

describe('Widget', () => {
  it('writes no storage before the visitor interacts, and keeps the session once they do', async () => {
    const widget = boot();
    await until(widget, online);
    expect(relay.tokens).toEqual(['token-1']);
    expect(localStorage.length).toBe(0);
    widget.setOpen(true);
    expect(localStorage.getItem('parley:demo:token')).toBe('token-1');
    expect(localStorage.getItem('parley:demo:state')).not.toBeNull();
  });

  it('stores the session at boot when the site opts in with persist', async () => {
    const widget = boot({ persist: true });
    await until(widget, online);
    expect(localStorage.getItem('parley:demo:token')).toBe('token-1');
  });

  it('shows a sent message as sending, then as sent once acked', async () => {
    const widget = boot();
    await until(widget, online);
    relay.acking = false;
    widget.send('  hello there  ');
    await until(widget, (w) => w.view.messages.length === 1);
    expect(texts(widget)).toEqual(['hello there:sending']);
    const sent = await relay.waitFor('chat.send');
    relay.acking = true;
    relay.broadcast({ type: 'chat.ack', clientId: sent.clientId, conversationId: 'c1', messageId: 'm1', seq: 1, at: 5 });
    relay.messages.push({ id: 'm1', conversationId: 'c1', seq: 1, clientId: sent.clientId, author: 'visitor', authorId: 'v1', text: 'hello there', at: 5 });
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    expect(localStorage.getItem('parley:demo:outbox')).toBeNull();
  });

  it('writes later messages into the conversation on screen', async () => {
    const widget = boot();
    await until(widget, online);
    widget.send('first');
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    relay.acking = false;
    widget.send('second');
    expect(await relay.waitFor('chat.send', (f) => f.text === 'second')).toMatchObject({ conversationId: 'c1' });
    expect(JSON.parse(localStorage.getItem('parley:demo:outbox')!)[0].conversationId).toBe('c1');
  });

  it('refuses empty and oversize messages', async () => {
    const widget = boot();
    expect(widget.send('   ')).toBe(false);
    expect(widget.send('x'.repeat(4001))).toBe(false);
    expect(localStorage.length).toBe(0);
  });

  it('resends an unacked message after reconnecting, and it arrives exactly once', async () => {
    const widget = boot();
    await until(widget, online);
    relay.acking = false;
    widget.send('while down');
    const first = await relay.waitFor('chat.send');
    relay.sockets[0]!.terminate();
    await until(widget, (w) => w.view.messages[0]?.status === 'failed');
    relay.acking = true;
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    const sends = relay.received.filter((r) => r.frame.type === 'chat.send');
    expect(sends.every((r) => r.frame.type === 'chat.send' && r.frame.clientId === first.clientId)).toBe(true);
    expect(relay.messages.filter((m) => m.text === 'while down')).toHaveLength(1);
    expect(texts(widget)).toEqual(['while down:sent']);
  });

  it('restores history from the relay on reload, without announcing it', async () => {
    const first = boot();
    await until(first, online);
    first.send('question');
    await until(first, (w) => w.view.messages[0]?.status === 'sent');
    relay.agentSays('answer');
    await until(first, (w) => w.view.messages.length === 2);
    first.stop(false);

    const announced: PublicMessage[] = [];
    const second = boot();
    second.events.on('message', (m) => announced.push(m));
    await until(second, (w) => w.view.messages.length === 2);
    expect(texts(second)).toEqual(['question:sent', 'answer:agent']);
    expect(relay.tokens.at(-1)).toBe('token-1');
    expect(relay.sessions).toBe(1);
    expect(await relay.waitFor('chat.sync', (f) => f.afterSeq === 0)).toMatchObject({ conversationId: 'c1' });
    expect(announced).toEqual([]);
    expect(second.view.unread).toBe(1);
  });

  it('announces new agent messages and counts them unread while closed', async () => {
    const widget = boot();
    const heard: string[] = [];
    const unread: number[] = [];
    widget.events.on('message', (m) => heard.push(m.text));
    widget.events.on('unread', (n) => unread.push(n));
    await until(widget, online);
    relay.agentSays('hi!');
    await until(widget, (w) => w.view.unread === 1);
    expect(heard).toEqual(['hi!']);
    widget.setOpen(true);
    await until(widget, (w) => w.view.unread === 0);
    expect(await relay.waitFor('chat.read')).toMatchObject({ conversationId: 'c1', seq: 1 });
    expect(unread).toEqual([1, 0]);
  });

  it('fills a gap in seqs with a resync', async () => {
    const widget = boot();
    await until(widget, online);
    relay.agentSays('one');
    await until(widget, (w) => w.view.messages.length === 1);
    relay.agentSays('two (lost)', true);
    relay.agentSays('three');
    const sync = await relay.waitFor('chat.sync');
    expect(sync.afterSeq).toBe(1);
    await until(widget, (w) => w.view.messages.length === 3);
    expect(texts(widget)).toEqual(['one:agent', 'two (lost):agent', 'three:agent']);
  });

  it('shows the agent typing until their message arrives', async () => {
    const widget = boot();
    await until(widget, online);
    relay.agentSays('first');
    await until(widget, (w) => w.view.messages.length === 1);
    relay.broadcast({ type: 'chat.typing', conversationId: 'c1', typing: true, from: 'agent' });
    await until(widget, (w) => w.view.agentTyping);
    relay.agentSays('second');
    await until(widget, (w) => !w.view.agentTyping);
    expect(widget.view.messages).toHaveLength(2);
  });

  it('reports the page, tracked events and identity to the relay', async () => {
    const widget = boot();
    widget.track('plan_viewed', { plan: 'pro' });
    await until(widget, online);
    widget.identify({ userId: 'u1', name: 'Ada', email: 'ada@example.com' });
    expect((await relay.waitFor('hello')).page?.url).toBe(location.href);
    expect(await relay.waitFor('visitor.track')).toEqual({ type: 'visitor.track', event: 'plan_viewed', props: { plan: 'pro' } });
    expect(await relay.waitFor('visitor.identify')).toMatchObject({ userId: 'u1', name: 'Ada' });
  });
});
