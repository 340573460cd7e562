import { render } from 'preact';
import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AgentFrame, ServerFrame } from '@parley/protocol';
import { App } from './App.js';
import { STORAGE_KEYS } from './local-store.js';
import { SIGNED_OUT_MESSAGES } from './session.js';
import type { WebSocketLike } from './socket.js';
import { byRole, nameOf, typeInto, useRenderRoot } from './test-support/dom.js';
import { cobrowseStatus, conversation, ME, visitor, welcome } from './test-support/fixtures.js';
import { postFromViewer, useViewerPageStub } from './test-support/viewer-page.js';

/** An in-memory stand-in for the browser WebSocket: the test plays the relay. */
class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  sent: AgentFrame[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as AgentFrame);
  }
  close(): void {
    this.readyState = 3;
  }
  accept(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(frame: ServerFrame): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
}

function agentToken(expMs: number): string {
  const json = JSON.stringify({ k: 'a', sub: ME.id, iat: 0, exp: expMs });
  return `${btoa(json).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;
}

const root = useRenderRoot();
useViewerPageStub();
let sockets: FakeWebSocket[];

function mount(): void {
  act(() => {
    render(
      <App
        createWebSocket={(url) => {
          const ws = new FakeWebSocket(url);
          sockets.push(ws);
          return ws;
        }}
        login={async () => ({ token: agentToken(Date.now() + 3_600_000), agent: ME })}
      />,
      root(),
    );
  });
}

beforeEach(() => {
  localStorage.clear();
  sockets = [];
});

describe('App', () => {
  it('signs in, connects and shows the inbox with live counts and the tab title', async () => {
    mount();
    await act(() => {
      typeInto(byRole(root(), 'textbox', 'Email') as HTMLInputElement, 'me@example.com');
      typeInto(byRole(root(), 'textbox', 'Password') as HTMLInputElement, 'secret');
    });
    await act(async () => {
      byRole(root(), 'button', 'Sign in').click();
      await Promise.resolve();
    });
    expect(localStorage.getItem(STORAGE_KEYS.token)).toMatch(/\.sig$/);
    const ws = sockets[0]!;
    expect(ws.url).toContain('/ws?token=');
    await act(() => ws.accept());
    expect(ws.sent[0]).toEqual({ type: 'hello', v: 1 });
    await act(() => ws.receive(welcome([conversation({ id: 'c1', visitorName: 'Dana Lee' })])));
    expect(byRole(root(), 'status').textContent).toContain('Connected');
    expect(nameOf(byRole(byRole(root(), 'navigation', 'Inbox'), 'button', /^Waiting/))).toBe('Waiting 1');
    expect(document.title).toBe('(1) Parley console');

    await act(() => ws.receive({ type: 'conversation.updated', conversation: conversation({ id: 'c2', updatedAt: 9_000 }) }));
    expect(nameOf(byRole(byRole(root(), 'navigation', 'Inbox'), 'button', /^Waiting/))).toBe('Waiting 2');
    expect(document.title).toBe('(2) Parley console');

    await act(() => byRole(root(), 'button', /^Dana Lee/).click());
    expect(ws.sent.at(-1)).toEqual({ type: 'conversation.open', conversationId: 'c1' });
    expect(document.title).toBe('(1) Parley console');
    expect(byRole(root(), 'log', 'Messages')).toBeTruthy();
  });

  it('toggles and remembers the sound preference', async () => {
    localStorage.setItem(STORAGE_KEYS.token, agentToken(Date.now() + 3_600_000));
    mount();
    const sound = byRole(root(), 'button', 'Sound');
    expect(sound.getAttribute('aria-pressed')).toBe('true');
    await act(() => sound.click());
    expect(byRole(root(), 'button', 'Sound').getAttribute('aria-pressed')).toBe('false');
    expect(localStorage.getItem(STORAGE_KEYS.sound)).toBe('off');
  });

  it('signs out back to the sign-in form and forgets the token', async () => {
    localStorage.setItem(STORAGE_KEYS.token, agentToken(Date.now() + 3_600_000));
    mount();
    await act(() => byRole(root(), 'button', 'Sign out').click());
    expect(byRole(root(), 'button', 'Sign in')).toBeTruthy();
    expect(localStorage.getItem(STORAGE_KEYS.token)).toBeNull();
  });

  it('asks for a new sign-in when the saved token expired', async () => {
    localStorage.setItem(STORAGE_KEYS.token, agentToken(Date.now() - 1000));
    mount();
    await act(async () => undefined);
    expect(byRole(root(), 'status').textContent).toBe(SIGNED_OUT_MESSAGES.expired);
    expect(sockets).toHaveLength(0);
  });

  it('sends the co-browse frames of a whole session and feeds page data to the viewer', async () => {
    localStorage.setItem(STORAGE_KEYS.token, agentToken(Date.now() + 3_600_000));
    mount();
    const ws = sockets[0]!;
    await act(() => ws.accept());
    await act(() => ws.receive(welcome([conversation({ id: 'c1', visitorName: 'Dana Lee' })])));
    await act(() => byRole(root(), 'button', /^Dana Lee/).click());
    await act(() =>
      ws.receive({
        type: 'conversation.detail',
        conversation: conversation({ id: 'c1', visitorName: 'Dana Lee' }),
        messages: [],
        visitor: visitor(),
        pages: [],
        events: [],
        past: [],
        cobrowse: cobrowseStatus(),
      }),
    );
    const sentOfType = (prefix: string) => ws.sent.filter((f) => f.type.startsWith(prefix));

    await act(() => byRole(root(), 'button', 'Ask to see page').click());
    expect(sentOfType('cobrowse.')).toEqual([{ type: 'cobrowse.request', conversationId: 'c1', scope: 'view' }]);
    await act(() => ws.receive({ type: 'cobrowse.state', status: cobrowseStatus({ view: 'requested', requestId: 'req-12345678', agentName: 'Mina' }) }));
    expect(byRole(root(), 'status', 'Waiting for the visitor to share their page')).toBeTruthy();

    await act(() => ws.receive({ type: 'cobrowse.state', status: cobrowseStatus({ view: 'active', live: true, since: 4_000, agentName: 'Mina' }) }));
    expect(sentOfType('cobrowse.').at(-1)).toEqual({ type: 'cobrowse.join', conversationId: 'c1' });
    expect(root().querySelector('.pc-app')!.getAttribute('data-cobrowse')).toBe('true');

    const frame = root().querySelector<HTMLIFrameElement>('iframe[title="Visitor\'s page"]')!;
    const posted: unknown[] = [];
    frame.contentWindow!.postMessage = ((message: unknown) => posted.push(message)) as Window['postMessage'];
    await act(() => postFromViewer(frame, { kind: 'ready' }));
    const data = { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq: 0, full: true, data: '[]' } as const;
    await act(() => ws.receive(data));
    expect(posted.at(-1)).toEqual({ kind: 'events', frame: data });

    await act(() => postFromViewer(frame, { kind: 'pointer', pointer: 'pointer', node: 7, x: 0.5, y: 0.25 }));
    expect(sentOfType('cobrowse.').at(-1)).toEqual({ type: 'cobrowse.pointer', conversationId: 'c1', kind: 'pointer', node: 7, x: 0.5, y: 0.25 });
    await act(() => postFromViewer(frame, { kind: 'resync' }));
    await act(() => byRole(root(), 'button', 'Stop co-browse').click());
    expect(sentOfType('cobrowse.').at(-1)).toEqual({ type: 'cobrowse.end', conversationId: 'c1', scope: 'view' });

    await act(() => byRole(root(), 'button', /Back to inbox/).click());
    expect(sentOfType('cobrowse.').at(-1)).toEqual({ type: 'cobrowse.leave', conversationId: 'c1' });
    expect(root().querySelector('iframe')).toBeNull();
  });

  it('goes back to sign-in when the relay closes the session as unauthorized', async () => {
    localStorage.setItem(STORAGE_KEYS.token, agentToken(Date.now() + 3_600_000));
    mount();
    const ws = sockets[0]!;
    await act(() => ws.accept());
    await act(() => {
      ws.onclose?.(new CloseEvent('close', { code: 4001 }));
    });
    expect(byRole(root(), 'button', 'Sign in')).toBeTruthy();
    expect(byRole(root(), 'status').textContent).toBe(SIGNED_OUT_MESSAGES.expired);
  });
});
