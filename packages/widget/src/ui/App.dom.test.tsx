import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { WebSocketFactory } from '../core/socket.js';
import { Widget } from '../core/widget.js';
import { StubRelay } from '../testing/stub-relay.js';
import { mountUi } from './mount.js';

let relay: StubRelay;
let widget: Widget;
let unmount: () => void;

beforeEach(async () => {
  localStorage.clear();
  relay = new StubRelay();
  const origin = await relay.start();
  widget = new Widget(origin, { siteKey: 'demo', language: 'en' }, NodeWebSocket as unknown as WebSocketFactory);
  unmount = mountUi(widget);
  void widget.start();
  await settled((w) => w.view.connectivity === 'online');
});

afterEach(async () => {
  unmount();
  widget.stop(false);
  await relay.close();
});

async function settled(check: (w: Widget) => boolean): Promise<void> {
  while (!check(widget)) await new Promise<void>((resolve) => { const off = widget.events.on('change', () => (off(), resolve())); });
  // Preact renders on the next microtask after the change.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const shadow = () => document.getElementById('parley-widget')!.shadowRoot!;
const q = <T extends Element>(selector: string) => shadow().querySelector<T>(selector);
const launcher = () => q<HTMLButtonElement>('button.launcher')!;

describe('App', () => {
  it('mounts one host element with an open shadow root and adopted styles', () => {
    expect(document.querySelectorAll('#parley-widget')).toHaveLength(1);
    expect(shadow().adoptedStyleSheets.length).toBe(1);
    expect(shadow().querySelector('style')).toBeNull();
    expect(shadow().querySelector('[style]')).toBeNull();
  });

  it('names the launcher and reflects whether the panel is open', async () => {
    expect(launcher().getAttribute('aria-label')).toBe('Open chat');
    expect(launcher().getAttribute('aria-expanded')).toBe('false');
    launcher().click();
    await settled((w) => w.view.open);
    expect(launcher().getAttribute('aria-label')).toBe('Close chat');
    expect(launcher().getAttribute('aria-expanded')).toBe('true');
    const dialog = q('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Chat');
    expect(q('[role="log"]')!.getAttribute('aria-label')).toBe('Messages');
    expect(q('textarea')!.getAttribute('aria-label')).toBe('Message');
    expect(q('form button[type="submit"]')!.textContent).toBe('Send');
    expect(dialog.querySelector('button[aria-label="Close chat"]')).not.toBeNull();
  });

  it('moves focus into the panel on open and back to the launcher on Escape', async () => {
    launcher().focus();
    launcher().click();
    await settled((w) => w.view.open);
    expect(shadow().activeElement).toBe(q('textarea'));
    q('textarea')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settled((w) => !w.view.open);
    expect(q('[role="dialog"]')).toBeNull();
    expect(shadow().activeElement).toBe(launcher());
  });

  it('sends on Enter, keeps Shift+Enter for a new line, and shows the delivery status', async () => {
    launcher().click();
    await settled((w) => w.view.open);
    const input = q<HTMLTextAreaElement>('textarea')!;
    input.value = 'line one';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true }));
    expect(relay.received.some((r) => r.frame.type === 'chat.send')).toBe(false);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect((await relay.waitFor('chat.send')).text).toBe('line one');
    await settled((w) => w.view.messages[0]?.status === 'sent');
    const item = q('.msg.visitor')!;
    expect(item.getAttribute('data-status')).toBe('sent');
    expect(item.querySelector('.status')!.textContent).toBe('Sent');
    expect(q<HTMLTextAreaElement>('textarea')!.value).toBe('');
  });

  it('renders message text as text, never as HTML', async () => {
    relay.agentSays('<img src=x onerror="alert(1)"><b>bold</b>');
    await settled((w) => w.view.messages.length === 1);
    launcher().click();
    await settled((w) => w.view.open);
    const bubble = q('.msg.agent .bubble')!;
    expect(bubble.textContent).toBe('<img src=x onerror="alert(1)"><b>bold</b>');
    expect(bubble.querySelector('img, b')).toBeNull();
  });

  it('shows an unread badge while closed', async () => {
    relay.agentSays('one');
    relay.agentSays('two');
    await settled((w) => w.view.unread === 2);
    expect(q('.badge')!.getAttribute('aria-label')).toBe('2 unread');
    launcher().click();
    await settled((w) => w.view.unread === 0);
    expect(q('.badge')).toBeNull();
  });

  it('shows the agent typing line', async () => {
    relay.agentSays('hello');
    launcher().click();
    await settled((w) => w.view.open && w.view.messages.length === 1);
    relay.broadcast({ type: 'chat.typing', conversationId: 'c1', typing: true, from: 'agent' });
    await settled((w) => w.view.agentTyping);
    expect(q('.typing')!.textContent).toBe('Agent is typing…');
  });

  it('shows a counter near the length limit', async () => {
    launcher().click();
    await settled((w) => w.view.open);
    const input = q<HTMLTextAreaElement>('textarea')!;
    input.value = 'x'.repeat(3950);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(q('.counter')!.textContent).toBe('50 characters left');
  });
});
