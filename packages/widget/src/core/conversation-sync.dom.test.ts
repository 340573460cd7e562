import { describe, expect, it } from 'vitest';
import type { PublicMessage } from './widget-events.js';
import { online, texts, until, useWidgetHarness } from '../testing/widget-harness.js';

const h = useWidgetHarness();

describe('conversation sync', () => {
  it('restores history from the relay on reload, without announcing it', async () => {
    const first = h.boot();
    await until(first, online);
    first.send('question');
    await until(first, (w) => w.view.messages[0]?.status === 'sent');
    h.relay.agentSays('answer');
    await until(first, (w) => w.view.messages.length === 2);
    first.stop(false);

    const announced: PublicMessage[] = [];
    const second = h.boot();
    second.events.on('message', (m) => announced.push(m));
    await until(second, (w) => w.view.messages.length === 2);
    expect(texts(second)).toEqual(['question:sent', 'answer:agent']);
    expect(h.relay.tokens.at(-1)).toBe('token-1');
    expect(h.relay.sessions).toBe(1);
    expect(await h.relay.waitFor('chat.sync', (f) => f.afterSeq === 0)).toMatchObject({ conversationId: 'c1' });
    expect(announced).toEqual([]);
    expect(second.view.unread).toBe(1);
  });

  it('fills a gap in seqs with a resync', async () => {
    const widget = h.boot();
    await until(widget, online);
    h.relay.agentSays('one');
    await until(widget, (w) => w.view.messages.length === 1);
    h.relay.agentSays('two (lost)', true);
    h.relay.agentSays('three');
    const sync = await h.relay.waitFor('chat.sync');
    expect(sync.afterSeq).toBe(1);
    await until(widget, (w) => w.view.messages.length === 3);
    expect(texts(widget)).toEqual(['one:agent', 'two (lost):agent', 'three:agent']);
  });

  it('resumes from the last seq held after a reconnect and announces what was missed', async () => {
    const widget = h.boot();
    const heard: string[] = [];
    widget.events.on('message', (m) => heard.push(m.text));
    await until(widget, online);
    h.relay.agentSays('before');
    await until(widget, (w) => w.view.messages.length === 1);
    h.relay.agentSays('while away', true);
    h.relay.sockets[0]!.terminate();
    const hello = await h.relay.waitFor('hello', (_f, connection) => connection === 1);
    expect(hello.resume).toEqual({ c1: 1 });
    await until(widget, (w) => w.view.messages.length === 2);
    expect(heard).toEqual(['before', 'while away']);
  });
});
