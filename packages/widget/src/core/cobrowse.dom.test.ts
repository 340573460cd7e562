import type { CobrowseStatus } from '@parley/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CobrowseHost } from './cobrowse-host.js';
import type { Widget } from './widget.js';
import { online, until, useWidgetHarness } from '../testing/widget-harness.js';

// rrweb needs a real browser (the e2e suite runs it); here the chunk is a recorder of calls.
const chunk = vi.hoisted(() => ({ imported: false, hosts: [] as unknown[], calls: [] as string[], waiters: [] as (() => void)[] }));
vi.mock('../cobrowse/cobrowse.js', () => {
  chunk.imported = true;
  return {
    startCobrowse: (host: unknown) => {
      chunk.hosts.push(host);
      chunk.calls.push('start');
      for (const wake of chunk.waiters.splice(0)) wake();
      const call = (name: string) => () => {
        chunk.calls.push(name);
        for (const wake of chunk.waiters.splice(0)) wake();
      };
      return { snapshot: call('snapshot'), restart: call('restart'), pointer: call('pointer'), control: call('control'), stop: call('stop') };
    },
  };
});

const h = useWidgetHarness();

beforeEach(() => {
  chunk.hosts = [];
  chunk.calls = [];
});

async function calls(count: number): Promise<string[]> {
  while (chunk.calls.length < count) await new Promise<void>((resolve) => chunk.waiters.push(resolve));
  return chunk.calls;
}

function status(fields: Partial<CobrowseStatus> = {}): CobrowseStatus {
  return { conversationId: 'c1', view: 'off', control: 'off', requestId: null, agentName: 'Mina', since: null, ...fields };
}

const requested = (fields: Partial<CobrowseStatus> = {}) => status({ view: 'requested', requestId: 'request-0001', ...fields });
const active = (fields: Partial<CobrowseStatus> = {}) => status({ view: 'active', since: 1, source: true, ...fields });

async function booted(): Promise<Widget> {
  const widget = h.boot({ cobrowse: { unmask: ['#plan'] } });
  await until(widget, online);
  return widget;
}

function sendState(s: CobrowseStatus): void {
  h.relay.broadcast({ type: 'cobrowse.state', status: s });
}

describe('co-browse in the core', () => {
  it('loads the recording chunk only after consent, and runs it while this tab is the source', async () => {
    const widget = await booted();
    sendState(requested());
    await until(widget, (w) => w.view.cobrowse?.ask === 'view');
    expect(chunk.imported).toBe(false);
    widget.answerCobrowse(true);
    await h.relay.waitFor('cobrowse.consent');
    sendState(active());
    expect(await calls(1)).toEqual(['start']);
    expect(chunk.imported).toBe(true);
    const host = chunk.hosts[0] as CobrowseHost;
    expect(host.conversationId).toBe('c1');
    expect(host.unmask).toEqual(['#plan']);
    expect(host.controlling()).toBe(false);
    h.relay.broadcast({ type: 'cobrowse.snapshot', conversationId: 'c1' });
    h.relay.broadcast({ type: 'cobrowse.pointer', conversationId: 'c1', kind: 'pointer', node: 4, x: 0.5, y: 0.5, agentName: 'Mina' });
    h.relay.broadcast({ type: 'cobrowse.pointer', conversationId: 'other', kind: 'pointer', node: 4, x: 0.5, y: 0.5 });
    sendState(active({ control: 'active' }));
    h.relay.broadcast({ type: 'cobrowse.control', conversationId: 'c1', action: 'click', node: 4 });
    expect(await calls(4)).toEqual(['start', 'snapshot', 'pointer', 'control']);
    expect(host.controlling()).toBe(true);
    sendState(status());
    expect(await calls(5)).toEqual(['start', 'snapshot', 'pointer', 'control', 'stop']);
  });

  it('restarts the stream when the welcome after a reconnect confirms the sharing', async () => {
    const widget = await booted();
    sendState(active());
    await calls(1);
    h.relay.cobrowse = [active()];
    h.relay.sockets[0]!.terminate();
    await until(widget, (w) => !online(w));
    await until(widget, online);
    expect(await calls(2)).toEqual(['start', 'restart']);
    expect(widget.view.cobrowse).toMatchObject({ sharing: true });
  });

  it('stops sharing when the welcome after a reconnect no longer names it (the relay forgot)', async () => {
    const widget = await booted();
    sendState(active());
    await calls(1);
    h.relay.sockets[0]!.terminate();
    await until(widget, (w) => !online(w));
    await until(widget, online);
    expect(await calls(2)).toEqual(['start', 'stop']);
    expect(widget.view.cobrowse).toBeNull();
  });

  it('opens the panel on a request without writing any storage', async () => {
    const widget = await booted();
    const opened: string[] = [];
    widget.events.on('open', () => opened.push('open'));
    sendState(requested());
    await until(widget, (w) => w.view.cobrowse?.ask === 'view');
    expect(widget.view.open).toBe(true);
    expect(opened).toEqual(['open']);
    expect(widget.view.cobrowse).toMatchObject({ conversationId: 'c1', agent: 'Mina', sharing: false });
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('sends a consent with the tab it stores, and a later hello carries that tab', async () => {
    const widget = await booted();
    expect((await h.relay.waitFor('hello')).tab).toBeUndefined();
    sendState(requested());
    await until(widget, (w) => w.view.cobrowse?.ask === 'view');
    widget.answerCobrowse(true);
    const consent = await h.relay.waitFor('cobrowse.consent');
    expect(consent).toEqual({ type: 'cobrowse.consent', conversationId: 'c1', requestId: 'request-0001', granted: true, tab: consent.tab });
    expect(consent.tab).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(sessionStorage.getItem('parley:demo:tab')).toBe(consent.tab);
    await until(widget, (w) => w.view.cobrowse === null);
    h.relay.sockets[0]!.terminate();
    expect((await h.relay.waitFor('hello', (_, connection) => connection === 1)).tab).toBe(consent.tab);
  });

  it('declines without storing a tab', async () => {
    const widget = await booted();
    sendState(requested());
    await until(widget, (w) => w.view.cobrowse?.ask === 'view');
    widget.answerCobrowse(false);
    expect(await h.relay.waitFor('cobrowse.consent')).toMatchObject({ granted: false, requestId: 'request-0001' });
    expect(sessionStorage.length).toBe(0);
    await until(widget, (w) => w.view.cobrowse === null);
  });

  it('shares only in the source tab and asks for control there', async () => {
    const widget = await booted();
    sendState(active({ source: false }));
    sendState(active({ source: false, control: 'requested', requestId: 'request-0002' }));
    // Frames are handled in order: once this one shows, the states before it were taken.
    h.relay.broadcast({ type: 'presence', agentsOnline: 7 });
    await until(widget, (w) => w.view.agentsOnline === 7);
    expect(widget.view.cobrowse).toBeNull();
    expect(widget.view.open).toBe(false);
    sendState(active({ control: 'requested', requestId: 'request-0003' }));
    await until(widget, (w) => w.view.cobrowse?.ask === 'control');
    expect(widget.view.cobrowse).toMatchObject({ sharing: true, control: false });
    widget.answerCobrowse(true);
    expect(await h.relay.waitFor('cobrowse.consent')).toMatchObject({ granted: true, requestId: 'request-0003' });
  });

  it('tells the host page when sharing and control start and stop', async () => {
    const widget = await booted();
    const heard: unknown[] = [];
    widget.events.on('cobrowse', (value) => heard.push(value));
    sendState(active());
    sendState(active({ control: 'active' }));
    await until(widget, (w) => w.view.cobrowse?.control === true);
    widget.endCobrowse('control');
    expect(await h.relay.waitFor('cobrowse.end')).toEqual({ type: 'cobrowse.end', conversationId: 'c1', scope: 'control' });
    widget.endCobrowse('view');
    expect(await h.relay.waitFor('cobrowse.end', (f) => f.scope === 'view')).toMatchObject({ conversationId: 'c1' });
    await until(widget, (w) => w.view.cobrowse === null);
    expect(heard).toEqual([
      { sharing: true, control: false },
      { sharing: true, control: true },
      { sharing: true, control: false },
      { sharing: false, control: false },
    ]);
  });

  it('does not resume a sharing the visitor stopped, even if the relay missed the stop', async () => {
    const widget = await booted();
    sendState(active());
    await until(widget, (w) => w.view.cobrowse?.sharing === true);
    widget.endCobrowse('view');
    await until(widget, (w) => w.view.cobrowse === null);
    sendState(active());
    await h.relay.waitFor('cobrowse.end', (_, connection) => connection === 0 && h.relay.received.filter((r) => r.frame.type === 'cobrowse.end').length === 2);
    expect(widget.view.cobrowse).toBeNull();
  });
});
