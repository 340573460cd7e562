import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { WebSocketFactory } from '../core/socket.js';
import { Widget } from '../core/widget.js';
import { StubRelay } from '../testing/stub-relay.js';
import { mountUi } from './mount.js';

let relay: StubRelay;
let widget: Widget;
let unmount: () => void;

afterEach(async () => {
  unmount();
  widget.stop(false);
  await relay.close();
  vi.restoreAllMocks();
});

/** Boots a widget whose relay refuses its session, and opens the panel. */
async function refusedPanel(language: string): Promise<ShadowRoot> {
  localStorage.clear();
  relay = new StubRelay();
  relay.sessionStatus = 403;
  const origin = await relay.start();
  widget = new Widget(origin, { siteKey: 'demo', language }, NodeWebSocket as unknown as WebSocketFactory);
  unmount = mountUi(widget);
  await widget.start();
  widget.setOpen(true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return document.getElementById('parley-widget')!.shadowRoot!;
}

describe('panel when chat cannot start on the page', () => {
  for (const [language, unavailable, promise] of [
    ['en', 'Chat is not available on this page.', 'We typically reply'],
    ['ko', '이 페이지에서는 채팅을 사용할 수 없습니다.', '보통 몇 분 안에'],
  ] as const) {
    it(`says so plainly and offers nothing that cannot work (${language})`, async () => {
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const root = await refusedPanel(language);
      expect(widget.view.connectivity).toBe('unavailable');
      const text = root.querySelector('[role="dialog"]')!.textContent!;
      expect(text).toContain(unavailable);
      expect(text).not.toContain(promise);
      expect(root.querySelector('textarea')).toBeNull();
      expect(root.querySelector('form')).toBeNull();
      expect(root.querySelectorAll('.header button')).toHaveLength(1);
      expect(root.querySelector('.empty')?.textContent ?? '').toBe('');
    });
  }
});
