import { describe, expect, it } from 'vitest';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

describe('read receipts', () => {
  it('announces new agent messages and counts them unread while closed', async () => {
    const widget = h.boot();
    const heard: string[] = [];
    const unread: number[] = [];
    widget.events.on('message', (m) => heard.push(m.text));
    widget.events.on('unread', (n) => unread.push(n));
    await until(widget, online);
    h.relay.agentSays('hi!');
    await until(widget, (w) => w.view.unread === 1);
    expect(heard).toEqual(['hi!']);
    widget.setOpen(true);
    await until(widget, (w) => w.view.unread === 0);
    expect(await h.relay.waitFor('chat.read')).toMatchObject({ conversationId: 'c1', seq: 1 });
    expect(unread).toEqual([1, 0]);
  });

  it('marks messages read as they arrive while the panel is open', async () => {
    const widget = h.boot();
    await until(widget, online);
    widget.setOpen(true);
    h.relay.agentSays('seen at once');
    expect(await h.relay.waitFor('chat.read')).toMatchObject({ conversationId: 'c1', seq: 1 });
    expect(widget.view.unread).toBe(0);
  });
});
