import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { App } from './App.js';
import { NO_MICROPHONE_NOTICE } from './call/channel.js';
import { Chime } from './chime.js';
import { STORAGE_KEYS } from './local-store.js';
import { SIGNED_OUT_MESSAGES } from './session.js';
import { allByRole, byRole, nameOf, typeInto, useRenderRoot } from './test-support/dom.js';
import { agentToken, FakeWebSocket } from './test-support/fake-websocket.js';
import { FakeCallMedia, settle } from './test-support/fake-call-media.js';
import { callback, callInfo, cobrowseStatus, conversation, conversationDetail, ME, visitor, welcome } from './test-support/fixtures.js';
import { postFromViewer, useViewerPageStub } from './test-support/viewer-page.js';

const root = useRenderRoot();
useViewerPageStub();
let sockets: FakeWebSocket[];
let loggedOut: string[] = [];

function mount(callMedia?: FakeCallMedia): void {
  act(() => {
    render(
      <App
        callMedia={callMedia}
        createWebSocket={(url) => {
          const ws = new FakeWebSocket(url);
          sockets.push(ws);
          return ws;
        }}
        login={async () => ({ token: agentToken(Date.now() + 3_600_000), agent: ME })}
        logout={async (token) => {
          loggedOut.push(token);
          return true;
        }}
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

  it('signs out back to the sign-in form, ending the session on the relay and forgetting the token', async () => {
    const token = agentToken(Date.now() + 3_600_000);
    localStorage.setItem(STORAGE_KEYS.token, token);
    loggedOut = [];
    mount();
    await act(() => byRole(root(), 'button', 'Sign out').click());
    expect(byRole(root(), 'button', 'Sign in')).toBeTruthy();
    expect(localStorage.getItem(STORAGE_KEYS.token)).toBeNull();
    expect(loggedOut).toEqual([token]);
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
      ws.receive(conversationDetail({ conversation: conversation({ id: 'c1', visitorName: 'Dana Lee' }) })),
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

describe('App calls and callbacks', () => {
  let media: FakeCallMedia;
  let ring: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    media = new FakeCallMedia();
    ring = vi.spyOn(Chime.prototype, 'ring');
  });
  afterEach(() => {
    ring.mockRestore();
  });

  async function signedIn(): Promise<FakeWebSocket> {
    localStorage.setItem(STORAGE_KEYS.token, agentToken(Date.now() + 3_600_000));
    mount(media);
    const ws = sockets[0]!;
    await act(() => ws.accept());
    await act(() => ws.receive(welcome([conversation({ id: 'c1', visitorName: 'Dana Lee' })])));
    return ws;
  }

  const receive = (ws: FakeWebSocket, frame: ServerFrame) =>
    act(async () => {
      ws.receive(frame);
      await settle();
    });
  const callsSent = (ws: FakeWebSocket) => ws.sent.filter((f) => f.type.startsWith('call.'));

  it('rings anywhere in the console, answers, connects, mutes and hangs up', async () => {
    const ws = await signedIn();
    await receive(ws, { type: 'call.state', call: callInfo() });
    const dialog = byRole(root(), 'alertdialog', 'Dana Lee is calling');
    expect(ring).toHaveBeenCalled();

    await act(async () => {
      byRole(dialog, 'button', 'Accept').click();
      await settle();
    });
    expect(callsSent(ws)).toEqual([{ type: 'call.accept', callId: 'call-0000000001' }]);
    expect(allByRole(root(), 'alertdialog')).toHaveLength(0);
    expect(byRole(byRole(root(), 'region', 'Call'), 'status').textContent).toBe('Connecting…');

    await receive(ws, { type: 'call.state', call: callInfo({ phase: 'connecting', mine: true, agentId: ME.id, agentName: ME.name, answeredAt: 3_000 }) });
    await receive(ws, { type: 'call.ice', callId: 'call-0000000001', iceServers: [{ urls: ['stun:stun.example.test'] }] });
    await receive(ws, { type: 'call.signal', callId: 'call-0000000001', signal: { kind: 'offer', sdp: 'v=0 visitor offer' } });
    expect(callsSent(ws).at(-1)).toEqual({ type: 'call.signal', callId: 'call-0000000001', signal: { kind: 'answer', sdp: 'v=0 answer' } });
    await act(() => media.peer.events.onConnectionState('connected'));
    expect(callsSent(ws).at(-1)).toEqual({ type: 'call.connected', callId: 'call-0000000001' });
    await receive(ws, { type: 'call.state', call: callInfo({ phase: 'active', mine: true, agentId: ME.id, agentName: ME.name, answeredAt: 3_000 }) });

    const bar = byRole(root(), 'region', 'Call');
    expect(byRole(bar, 'timer').textContent).toMatch(/^\d+:\d\d$/);
    expect(bar.querySelector('audio')).not.toBeNull();
    await act(async () => {
      byRole(bar, 'button', 'Mute').click();
      await settle();
    });
    expect(media.peer.muted).toBe(true);
    expect(byRole(root(), 'button', 'Mute').getAttribute('aria-pressed')).toBe('true');

    await act(() => byRole(root(), 'button', 'Hang up').click());
    expect(callsSent(ws).at(-1)).toEqual({ type: 'call.end', callId: 'call-0000000001', reason: 'hangup' });
    expect(media.peer.closed).toBe(true);
    expect(media.microphones[0]!.stopped).toBe(true);
    expect(allByRole(root(), 'region', 'Call')).toHaveLength(0);
  });

  it('stops ringing when the visitor gives up, and stays silent with sound off', async () => {
    const ws = await signedIn();
    await act(() => byRole(root(), 'button', 'Sound').click());
    ring.mockClear();
    await receive(ws, { type: 'call.state', call: callInfo() });
    expect(byRole(root(), 'alertdialog', 'Dana Lee is calling')).toBeTruthy();
    expect(ring).not.toHaveBeenCalled();
    await receive(ws, { type: 'call.state', call: callInfo({ phase: 'ended', endReason: 'cancelled', endedBy: 'visitor' }) });
    expect(allByRole(root(), 'alertdialog')).toHaveLength(0);
  });

  it('declines a call for this agent', async () => {
    const ws = await signedIn();
    await receive(ws, { type: 'call.state', call: callInfo() });
    await act(() => byRole(root(), 'button', 'Decline').click());
    expect(callsSent(ws)).toEqual([{ type: 'call.decline', callId: 'call-0000000001' }]);
    expect(allByRole(root(), 'alertdialog')).toHaveLength(0);
    expect(media.microphones).toHaveLength(0);
  });

  it('ends the call no-microphone and says so when the microphone is refused', async () => {
    media.refuse = true;
    const ws = await signedIn();
    await receive(ws, { type: 'call.state', call: callInfo() });
    await act(async () => {
      byRole(root(), 'button', 'Accept').click();
      await settle();
    });
    expect(callsSent(ws).at(-1)).toEqual({ type: 'call.end', callId: 'call-0000000001', reason: 'no-microphone' });
    expect(byRole(root(), 'alert').textContent).toContain(NO_MICROPHONE_NOTICE);
    expect(allByRole(root(), 'region', 'Call')).toHaveLength(0);
  });

  it('calls the visitor from the conversation and cancels while it rings', async () => {
    const ws = await signedIn();
    await act(() => byRole(root(), 'button', /^Dana Lee/).click());
    await receive(
      ws,
      conversationDetail({
        conversation: conversation({ id: 'c1', visitorName: 'Dana Lee' }),
        visitor: visitor({ name: 'Dana Lee' }),
        call: null,
        callbacks: [],
      }),
    );
    await act(async () => {
      byRole(root(), 'button', 'Call visitor').click();
      await settle();
    });
    const start = callsSent(ws)[0]!;
    expect(start).toMatchObject({ type: 'call.start', conversationId: 'c1' });
    const callId = (start as { callId: string }).callId;
    expect(callId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    await receive(ws, { type: 'call.state', call: callInfo({ callId, caller: 'agent', mine: true, agentId: ME.id }) });
    const bar = byRole(root(), 'region', 'Call');
    expect(byRole(bar, 'status').textContent).toBe('Calling…');
    expect((byRole(root(), 'button', 'Call visitor') as HTMLButtonElement).disabled).toBe(true);
    await act(() => byRole(bar, 'button', 'Cancel call').click());
    expect(callsSent(ws).at(-1)).toEqual({ type: 'call.end', callId, reason: 'cancelled' });
    expect(media.microphones[0]!.stopped).toBe(true);
  });

  it('lists the open callbacks when the view is shown and claims one', async () => {
    const ws = await signedIn();
    expect(ws.sent.filter((f) => f.type === 'callback.list')).toEqual([{ type: 'callback.list', filter: 'open' }]);
    await receive(ws, { type: 'callback.items', filter: 'open', callbacks: [callback({ note: 'Refund' })] });
    const nav = byRole(root(), 'navigation', 'Inbox');
    await act(() => byRole(nav, 'button', 'Callbacks 1').click());
    expect(ws.sent.filter((f) => f.type === 'callback.list')).toHaveLength(2);
    const list = byRole(root(), 'list', 'Callback tasks');
    expect(list.textContent).toContain('Dana Lee');
    await act(() => byRole(list, 'button', 'Claim').click());
    expect(ws.sent.at(-1)).toEqual({ type: 'callback.update', callbackId: 'cb1', status: 'claimed' });
    await receive(ws, { type: 'callback.updated', callback: callback({ note: 'Refund', status: 'done', agentId: ME.id, agentName: ME.name, updatedAt: 9_000 }) });
    expect(allByRole(root(), 'list', 'Callback tasks')).toHaveLength(0);
    expect(byRole(nav, 'button', 'Callbacks 0')).toBeTruthy();
  });
});
