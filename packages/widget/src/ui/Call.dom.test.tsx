import type { CallInfo } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { until, useWidgetHarness } from '../testing/widget-harness.js';
import type { Widget } from '../core/widget.js';
import { FakeStream } from '../testing/fake-media.js';
import { useMountedUi } from '../testing/mounted-ui.js';

// No microphone in happy-dom: the real chunk runs on a stand-in (its media is tested beside it).
vi.mock('../call/media.js', () => ({
  openMic: () => Promise.resolve(new FakeStream()),
  newPeer: () => {
    throw new Error('no WebRTC here');
  },
}));

const h = useWidgetHarness();
const mount = useMountedUi(h);

async function mounted(language = 'en'): Promise<Widget> {
  const widget = await mount(language);
  await rendered();
  return widget;
}

/** Preact renders, and the chunk loads and draws, within a few tasks. */
async function rendered(check: () => boolean = () => true): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (check()) return;
  }
  throw new Error('timed out');
}

const shadow = () => document.getElementById('parley-widget')!.shadowRoot!;
const q = <T extends Element = HTMLElement>(selector: string) => shadow().querySelector<T>(selector);
const startButton = () => q<HTMLButtonElement>('[role=dialog] .header button[aria-label="Start a call"]');

function ringing(fields: Partial<CallInfo> = {}): CallInfo {
  return {
    callId: 'call-0001', conversationId: 'c1', caller: 'agent', phase: 'ringing', agentId: 'a1', agentName: 'Mina',
    startedAt: 1, answeredAt: null, endedAt: null, endReason: null, endedBy: null, mine: false, ...fields,
  };
}

describe('calls in the panel', () => {
  it('has a `Start a call` button in the header, disabled with a hint until a conversation exists', async () => {
    const widget = await mounted();
    widget.setOpen(true);
    await rendered(() => startButton() !== null);
    expect(startButton()!.disabled).toBe(true);
    expect(startButton()!.title).toBe('Send a message first');
    widget.send('hello');
    await until(widget, (w) => w.view.callable);
    await rendered(() => !startButton()!.disabled);
    expect(startButton()!.title).toBe('');
  });

  it('starts a call from the button, showing `Calling…` inside the panel', async () => {
    const widget = await mounted();
    widget.send('hello');
    widget.setOpen(true);
    await until(widget, (w) => w.view.callable);
    await rendered(() => startButton()?.disabled === false);
    startButton()!.click();
    const start = await h.relay.waitFor('call.start');
    expect(start.conversationId).toBe('c1');
    const statuses = () => [...shadow().querySelectorAll('[role=dialog] [role=status]')].map((s) => s.textContent);
    await rendered(() => statuses().includes('Calling…'));
    expect(q('audio')!.parentNode).toBe(shadow());
  });

  it('opens the callback form from the button while no agent is online', async () => {
    h.relay.agentsOnline = 0;
    const widget = await mounted();
    widget.setOpen(true);
    await rendered(() => startButton()?.disabled === false);
    startButton()!.click();
    await rendered(() => q('[role=dialog] form[aria-label="Request a callback"]') !== null);
    expect(h.relay.received.some((r) => r.frame.type === 'call.start')).toBe(false);
  });

  it('rings for an agent’s call by opening the panel, and accepts from there', async () => {
    const widget = await mounted();
    h.relay.broadcast({ type: 'call.state', call: ringing() });
    await until(widget, (w) => w.view.open);
    await rendered(() => q('[role=dialog] [role=alertdialog]') !== null);
    expect(q('[role=alertdialog]')!.getAttribute('aria-label')).toBe('Mina is calling');
    // The dialog, not the message box the panel focuses when it opens, has the focus.
    await rendered(() => shadow().activeElement === q('[role=alertdialog]'));
    [...q('[role=alertdialog]')!.querySelectorAll('button')].find((b) => b.textContent === 'Accept')!.click();
    expect(await h.relay.waitFor('call.accept')).toEqual({ type: 'call.accept', callId: 'call-0001' });
  });

  it('keeps a call on screen as a bar while the panel is closed', async () => {
    const widget = await mounted();
    h.relay.broadcast({ type: 'call.state', call: ringing({ phase: 'active', mine: true, answeredAt: Date.now() }) });
    await rendered(() => q('[role=region][aria-label="Call"]') !== null);
    expect(widget.view.open).toBe(false);
    expect(q('[role=region]')!.closest('.call-float')).not.toBeNull();
    widget.setOpen(true);
    await rendered(() => q('[role=dialog] [role=region]') !== null);
    expect(q('.call-float')).toBeNull();
  });

  it('names the button in Korean', async () => {
    const widget = await mounted('ko');
    widget.setOpen(true);
    await rendered(() => q('[role=dialog] .header button[aria-label="전화 걸기"]') !== null);
  });
});
