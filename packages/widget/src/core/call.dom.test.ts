import type { CallInfo, Callback, ServerFrame } from '@parley/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallHost, CallInput } from './call-host.js';
import type { Widget } from './widget.js';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

// The chunk's own behaviour has its tests beside it; here it is a recorder of what the core asks.
const chunk = vi.hoisted(() => ({
  imported: false,
  hosts: [] as unknown[],
  opens: [] as (() => void)[],
  calls: [] as string[],
  waiters: [] as (() => void)[],
}));
vi.mock('../call/call.js', () => {
  chunk.imported = true;
  const note = (entry: string) => {
    chunk.calls.push(entry);
    for (const wake of chunk.waiters.splice(0)) wake();
  };
  return {
    startCall: (host: unknown, open: () => void) => {
      chunk.hosts.push(host);
      chunk.opens.push(open);
      note('load');
      return {
        take: (frame: CallInput) => note(frame.type),
        start: () => note('start'),
        place: (slot: HTMLElement | null) => note(slot ? 'place' : 'unplace'),
        stop: () => note('stop'),
      };
    },
  };
});

const h = useWidgetHarness();

beforeEach(() => {
  chunk.imported = false;
  chunk.hosts = [];
  chunk.opens = [];
  chunk.calls = [];
});

async function calls(count: number): Promise<string[]> {
  while (chunk.calls.length < count) await new Promise<void>((resolve) => chunk.waiters.push(resolve));
  return chunk.calls;
}

function call(fields: Partial<CallInfo> = {}): CallInfo {
  return {
    callId: 'call-0001', conversationId: 'c1', caller: 'agent', phase: 'ringing', agentId: 'a1', agentName: 'Mina',
    startedAt: 1, answeredAt: null, endedAt: null, endReason: null, endedBy: null, mine: false, ...fields,
  };
}

const callback: Callback = {
  id: 'cb1', conversationId: 'c1', visitorId: 'v1', phone: '+442071234567', window: null, note: null,
  status: 'requested', agentId: null, agentName: null, createdAt: 1, updatedAt: 1,
};

async function booted(): Promise<Widget> {
  const widget = h.boot();
  await until(widget, online);
  return widget;
}

/** A frame that round-trips through the relay, so everything sent before it has been handled. */
async function handled(widget: Widget): Promise<void> {
  h.relay.agentSays(`marker ${h.relay.messages.length}`);
  const count = h.relay.messages.length;
  await until(widget, (w) => w.view.messages.length === count);
}

describe('calls in the core', () => {
  it('never loads the call chunk for a welcome without calls or callbacks, nor for an error', async () => {
    const widget = await booted();
    h.relay.broadcast({ type: 'error', code: 'call_busy', message: 'busy', ref: 'call.start' });
    await handled(widget);
    expect(chunk.imported).toBe(false);
    expect(chunk.calls).toEqual([]);
  });

  it('loads the chunk on the first call frame and hands it every call and callback frame in order', async () => {
    await booted();
    const frames: ServerFrame[] = [
      { type: 'call.state', call: call() },
      { type: 'call.ice', callId: 'call-0001', iceServers: [] },
      { type: 'call.signal', callId: 'call-0001', signal: { kind: 'offer', sdp: 'v=0' } },
      { type: 'callback.updated', callback },
      { type: 'error', code: 'call_not_found', message: 'gone', ref: 'call.signal' },
    ];
    for (const frame of frames) h.relay.broadcast(frame);
    expect(await calls(7)).toEqual(['load', 'unplace', 'call.state', 'call.ice', 'call.signal', 'callback.updated', 'error']);
    expect(chunk.imported).toBe(true);
  });

  it('loads the chunk when the welcome lists a call or a callback, and hands it that welcome', async () => {
    h.relay.callbacks = [callback];
    await booted();
    expect(await calls(3)).toEqual(['load', 'unplace', 'welcome']);
  });

  it('hands a loaded chunk every later welcome, even an empty one', async () => {
    const widget = await booted();
    h.relay.broadcast({ type: 'call.state', call: call() });
    await calls(3);
    h.relay.sockets[0]!.terminate();
    await until(widget, (w) => !online(w));
    await until(widget, online);
    expect(await calls(4)).toEqual(['load', 'unplace', 'call.state', 'welcome']);
  });

  it('loads the chunk on `Start a call` and gives it the live conversation, agents and panel', async () => {
    const widget = await booted();
    expect(chunk.imported).toBe(false);
    widget.startCall();
    expect(await calls(3)).toEqual(['load', 'unplace', 'start']);
    const host = chunk.hosts[0] as CallHost;
    expect(host.active).toBeNull();
    expect(host.agentsOnline).toBe(1);
    expect(host.language).toBe('en');
    widget.send('hello');
    await until(widget, (w) => w.view.messages[0]?.status === 'sent');
    expect(host.active).toBe('c1');
    expect(widget.view.open).toBe(false);
    chunk.opens[0]!();
    await until(widget, (w) => w.view.open);
  });

  it('places the chunk in the panel slot while it exists, and stops it with the widget', async () => {
    const widget = await booted();
    widget.startCall();
    await calls(3);
    const slot = document.createElement('div');
    widget.attachCallSlot(slot);
    expect(await calls(4)).toEqual(['load', 'unplace', 'start', 'place']);
    widget.attachCallSlot(null);
    widget.stop(false);
    expect(await calls(6)).toEqual(['load', 'unplace', 'start', 'place', 'unplace', 'stop']);
  });

  it('lets `Start a call` be pressed once a conversation exists, or while no agent is online', async () => {
    const widget = await booted();
    expect(widget.view.callable).toBe(false);
    widget.send('hello');
    await until(widget, (w) => w.view.callable);
    h.relay.agentsOnline = 0;
    const offline = h.boot({ siteKey: 'other' });
    await until(offline, online);
    expect(offline.view.callable).toBe(true);
  });
});
