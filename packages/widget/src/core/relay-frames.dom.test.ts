import type { VisitorProfile } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

describe('relay frames', () => {
  it('emits ready once, on the first welcome only', async () => {
    const widget = h.boot();
    let ready = 0;
    widget.events.on('ready', () => ready++);
    await until(widget, online);
    h.relay.sockets[0]!.terminate();
    await until(widget, (w) => !online(w));
    await until(widget, online);
    expect(h.relay.sockets).toHaveLength(2);
    expect(ready).toBe(1);
  });

  it('shows the agent typing until their message arrives', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.agentSays('first');
    await until(widget, (w) => w.view.messages.length === 1);
    h.relay.broadcast({ type: 'chat.typing', conversationId: 'c1', typing: true, from: 'agent' });
    await until(widget, (w) => w.view.agentTyping);
    h.relay.agentSays('second');
    await until(widget, (w) => !w.view.agentTyping);
    expect(widget.view.messages).toHaveLength(2);
  });

  it('ignores typing in a conversation that is not on screen', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.agentSays('first');
    await until(widget, (w) => w.view.messages.length === 1);
    h.relay.broadcast({ type: 'chat.typing', conversationId: 'elsewhere', typing: true, from: 'agent' });
    h.relay.broadcast({ type: 'presence', agentsOnline: 3 });
    await until(widget, (w) => w.view.agentsOnline === 3);
    expect(widget.view.agentTyping).toBe(false);
  });

  it('takes the read position the visitor reached in another tab', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.agentSays('read elsewhere');
    await until(widget, (w) => w.view.unread === 1);
    h.relay.broadcast({ type: 'chat.read', conversationId: 'c1', seq: 1, by: 'visitor' });
    await until(widget, (w) => w.view.unread === 0);
  });

  it('keeps the token a verified identity brings, and reconnects with it', async () => {
    const widget = h.boot({ persist: true });
    await until(widget, online);
    const visitor: VisitorProfile = {
      id: 'v2', siteId: 's1', userId: 'u1', name: 'Ada', email: null, verified: true, attributes: {},
      browser: null, os: null, language: null, currentPage: null, online: true, firstSeenAt: 1, lastSeenAt: 1,
    };
    h.relay.broadcast({ type: 'visitor.identified', token: 'token-verified', visitor, conversations: [] });
    await until(widget, () => localStorage.getItem('parley:demo:token') === 'token-verified');
    h.relay.sockets[0]!.terminate();
    await h.relay.waitFor('hello', (_f, connection) => connection === 1);
    expect(h.relay.tokens).toEqual(['token-1', 'token-verified']);
  });
});
