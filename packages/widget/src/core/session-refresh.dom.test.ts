import { describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';
import type { WebSocketFactory } from './socket.js';

const h = useWidgetHarness();

/** A WebSocket that records every connection the widget opens. */
function countingWebSocket(opened: string[]): WebSocketFactory {
  return class extends NodeWebSocket {
    constructor(url: string) {
      super(url);
      opened.push(url);
    }
  } as unknown as WebSocketFactory;
}

describe('session refresh', () => {
  it('gets a session first, then connects with its token', async () => {
    const widget = h.boot();
    await until(widget, online);
    expect(h.relay.sessions).toBe(1);
    expect(h.relay.tokens).toEqual(['token-1']);
  });

  it('writes no token when shut down while the session request is out', async () => {
    const release = h.relay.holdSessions();
    const widget = h.boot({ persist: true }, { start: false });
    const started = widget.start();
    await h.relay.sessionRequested();
    widget.stop(true);
    release();
    await started;
    expect(h.relay.sessions).toBe(1);
    expect(localStorage.getItem('parley:demo:token')).toBeNull();
  });

  it('opens no socket when shut down while a failing session request is out', async () => {
    const opened: string[] = [];
    h.relay.sessionStatus = 503;
    const release = h.relay.holdSessions();
    const widget = h.boot({}, { start: false, WebSocket: countingWebSocket(opened) });
    const started = widget.start();
    await h.relay.sessionRequested();
    widget.stop(true);
    release();
    await started;
    expect(opened).toEqual([]);
  });

  it('hands an unreachable session over to the socket’s backoff', async () => {
    const opened: string[] = [];
    h.relay.sessionStatus = 503;
    const widget = h.boot({}, { WebSocket: countingWebSocket(opened) });
    await h.relay.waitFor('hello');
    expect(opened).toHaveLength(1);
    expect(widget.view.connectivity).not.toBe('unavailable');
  });
});
