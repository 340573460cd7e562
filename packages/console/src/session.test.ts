import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type CobrowseEventsFrame, type ConversationActivity } from '@parley/protocol';
import { WebSocket } from 'ws';
import { ConsoleSession, SIGNED_OUT_MESSAGES } from './session.js';
import type { WebSocketLike } from './socket.js';
import { initialState } from './store/state.js';
import { createStore, type Store } from './store/store.js';
import { fakeAgentToken, startFakeRelay, type FakeRelay } from './test-support/fake-relay.js';
import { cobrowseStatus, conversation, ME, message, welcome } from './test-support/fixtures.js';

let relay: FakeRelay;
let session: ConsoleSession;
let store: Store;
let signedOut: string[];
let signedOutMessage: Promise<string>;
let newWaiting: Promise<string[]>;

function startSession(
  token = fakeAgentToken(ME.id, Date.now() + 3_600_000),
  fetchImpl: typeof fetch = async () => new Response('{"ok":true}'),
): void {
  store = createStore(initialState());
  signedOut = [];
  let ended: (message: string) => void = () => undefined;
  signedOutMessage = new Promise((resolve) => {
    ended = resolve;
  });
  let announce: (ids: string[]) => void = () => undefined;
  newWaiting = new Promise((resolve) => {
    announce = resolve;
  });
  session = new ConsoleSession({
    token,
    store,
    location: { protocol: 'http:', host: relay.host },
    onSignedOut: (m) => {
      signedOut.push(m);
      ended(m);
    },
    onNewWaiting: (ids) => announce(ids),
    createWebSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    fetchImpl,
    backoff: { baseMs: 20, maxMs: 40 },
  });
  session.start();
}

/** What a message at `seq` moved in conversation `id`. */
function activity(id: string, seq = 2): ConversationActivity {
  return { id, updatedAt: 2_000 + seq, lastSeq: seq, lastMessage: { text: `message ${seq}`, author: 'visitor', at: 2_000 + seq } };
}

/** Resolves once the store satisfies `check`. */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const stop = store.subscribe(() => {
      if (check()) {
        stop();
        resolve();
      }
    });
  });
}

beforeEach(async () => {
  relay = await startFakeRelay();
});

afterEach(async () => {
  session.stop();
  await relay.close();
});

describe('ConsoleSession', () => {
  it('opens with hello and lists every inbox view after the welcome', async () => {
    startSession();
    const conn = await relay.nextConnection();
    expect(await conn.next('hello')).toEqual({ type: 'hello', v: PROTOCOL_VERSION });
    conn.send(welcome([conversation()]));
    const views = [await conn.next('inbox.list'), await conn.next('inbox.list'), await conn.next('inbox.list'), await conn.next('inbox.list')];
    expect(views.map((f) => f.view)).toEqual(['waiting', 'mine', 'open', 'resolved']);
    expect(store.getState().connection).toBe('online');
  });

  it('sends a reply with a client id and clears it from the outbox on ack', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation()]));
    await until(() => store.getState().connection === 'online');
    session.sendReply('c1', '  Hello from the console  ');
    const sent = await conn.next('chat.send');
    expect(sent).toMatchObject({ conversationId: 'c1', text: 'Hello from the console' });
    expect(sent.clientId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    conn.send({ type: 'chat.ack', clientId: sent.clientId, conversationId: 'c1', messageId: 'm2', seq: 2, at: 5 });
    await until(() => store.getState().outbox.length === 0);
  });

  it('resends an unacked reply with the same client id after reconnecting and resumes opened conversations', async () => {
    startSession();
    const first = await relay.nextConnection();
    first.send(welcome([conversation()]));
    session.openConversation('c1');
    await first.next('conversation.open');
    first.send({ type: 'chat.messages', conversationId: 'c1', messages: [message(1)], complete: true });
    await until(() => store.getState().messages.c1?.length === 1);
    session.sendReply('c1', 'Are you still there?');
    const lost = await first.next('chat.send');
    first.close(1001);
    await until(() => store.getState().connection === 'reconnecting');
    expect(store.getState().outbox[0]!.status).toBe('failed');

    const second = await relay.nextConnection();
    expect(await second.next('hello')).toEqual({ type: 'hello', v: PROTOCOL_VERSION, resume: { c1: 1 } });
    second.send(welcome([conversation()]));
    expect(await second.next('conversation.open')).toEqual({ type: 'conversation.open', conversationId: 'c1' });
    const resent = await second.next('chat.send');
    expect(resent).toEqual(lost);
  });

  it('asks for missing messages when a seq is skipped', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation()]));
    session.openConversation('c1');
    conn.send({ type: 'chat.messages', conversationId: 'c1', messages: [message(1)], complete: true });
    await until(() => store.getState().messages.c1?.length === 1);
    conn.send({ type: 'chat.message', message: message(4) });
    expect(await conn.next('chat.sync')).toEqual({ type: 'chat.sync', conversationId: 'c1', afterSeq: 1 });
  });

  it('reports the messages of the open conversation as read', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation({ lastSeq: 2 })]));
    session.openConversation('c1');
    conn.send({ type: 'chat.messages', conversationId: 'c1', messages: [message(1), message(2)], complete: true });
    expect(await conn.next('chat.read')).toEqual({ type: 'chat.read', conversationId: 'c1', seq: 2 });
    await until(() => store.getState().conversations.c1!.agentReadSeq === 2);
  });

  it('announces a conversation that starts waiting', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([]));
    await until(() => store.getState().connection === 'online');
    conn.send({ type: 'conversation.updated', conversation: conversation({ id: 'c9' }) });
    expect(await newWaiting).toEqual(['c9']);
  });

  it('announces a conversation that starts waiting through inbox.updates', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation({ id: 'c1', assigneeId: ME.id })]));
    await until(() => store.getState().connection === 'online');
    conn.send({ type: 'inbox.updates', conversations: [conversation({ id: 'c1', assigneeId: ME.id, lastSeq: 2, updatedAt: 3_000 }), conversation({ id: 'c9' })] });
    expect(await newWaiting).toEqual(['c9']);
  });

  it('asks once with inbox.fetch for the conversations inbox.activity names that it does not hold', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation()]));
    conn.send({ type: 'inbox.activity', conversations: [activity('c1'), activity('c7'), activity('c8')] });
    expect(await conn.next('inbox.fetch')).toEqual({ type: 'inbox.fetch', conversationIds: ['c7', 'c8'] });
    // Asked for and not answered yet: not asked again.
    conn.send({ type: 'inbox.activity', conversations: [activity('c7', 3), activity('c8', 3), activity('c9')] });
    expect(await conn.next('inbox.fetch')).toEqual({ type: 'inbox.fetch', conversationIds: ['c9'] });
    // The answer to the first: c8 left out (the agent may not see it), so not asked again either.
    conn.send({ type: 'inbox.updates', conversations: [conversation({ id: 'c7', lastSeq: 3, updatedAt: 2_003 })] });
    conn.send({ type: 'inbox.activity', conversations: [activity('c1', 3), activity('c7', 4), activity('c8', 4), activity('c10')] });
    expect(await conn.next('inbox.fetch')).toEqual({ type: 'inbox.fetch', conversationIds: ['c10'] });
    expect(conn.frames.filter((f) => f.type === 'inbox.fetch')).toHaveLength(3);
    expect(store.getState().conversations.c7).toMatchObject({ lastSeq: 4, lastMessage: { text: 'message 4' } });
    expect(store.getState().conversations.c1).toMatchObject({ lastSeq: 3, lastMessage: { text: 'message 3' } });
  });

  it('asks for at most 100 conversations in one inbox.fetch', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation()]));
    const ids = Array.from({ length: 250 }, (_, i) => `c${i + 100}`);
    conn.send({ type: 'inbox.activity', conversations: ids.map((id) => activity(id)) });
    const asked = [await conn.next('inbox.fetch'), await conn.next('inbox.fetch'), await conn.next('inbox.fetch')];
    expect(asked.map((f) => f.conversationIds.length)).toEqual([100, 100, 50]);
    expect(asked.flatMap((f) => f.conversationIds)).toEqual(ids);
  });

  it('asks again on a new connection for conversations not answered or left out on the last one', async () => {
    startSession();
    const first = await relay.nextConnection();
    first.send(welcome([conversation()]));
    first.send({ type: 'inbox.activity', conversations: [activity('c7')] });
    expect((await first.next('inbox.fetch')).conversationIds).toEqual(['c7']);
    first.send({ type: 'inbox.updates', conversations: [] });
    first.send({ type: 'inbox.activity', conversations: [activity('c8')] });
    expect((await first.next('inbox.fetch')).conversationIds).toEqual(['c8']);
    first.close(1001);

    const second = await relay.nextConnection();
    second.send(welcome([conversation()]));
    second.send({ type: 'inbox.activity', conversations: [activity('c7'), activity('c8')] });
    expect(await second.next('inbox.fetch')).toEqual({ type: 'inbox.fetch', conversationIds: ['c7', 'c8'] });
  });

  it('catches the open conversation up when inbox.activity shows messages it has not received', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation()]));
    session.openConversation('c1');
    conn.send({ type: 'chat.messages', conversationId: 'c1', messages: [message(1)], complete: true });
    conn.send({ type: 'inbox.activity', conversations: [activity('c1', 3)] });
    expect(await conn.next('chat.sync')).toEqual({ type: 'chat.sync', conversationId: 'c1', afterSeq: 1 });
  });

  it('sends the agent back to sign-in when the relay closes with unauthorized', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.close(4001);
    expect(await signedOutMessage).toBe(SIGNED_OUT_MESSAGES.expired);
  });

  it('sends the agent back to sign-in when the relay is up but keeps refusing the socket', async () => {
    relay.refuseWith(401);
    startSession();
    expect(await signedOutMessage).toBe(SIGNED_OUT_MESSAGES.invalid);
    expect(store.getState().connection).toBe('reconnecting');
  });

  it('reconnects by itself, without a notice, when its relay node drains (1012)', async () => {
    startSession();
    const first = await relay.nextConnection();
    await first.next('hello');
    first.send(welcome());
    await until(() => store.getState().connection === 'online');
    first.send({ type: 'error', code: 'draining', message: 'This relay node is restarting; reconnect now to resume on another.' });
    first.close(1012);
    const second = await relay.nextConnection();
    await second.next('hello');
    second.send(welcome());
    await until(() => store.getState().connection === 'online');
    expect(store.getState().notice).toBeNull();
    expect(signedOut).toEqual([]);
  });

  it('keeps retrying while the relay refuses the socket and is not ready (draining, store down)', async () => {
    relay.refuseWith(503);
    const asked: string[] = [];
    let askedTwice!: () => void;
    const twice = new Promise<void>((resolve) => (askedTwice = resolve));
    startSession(undefined, async (url) => {
      asked.push(String(url));
      if (asked.length === 2) askedTwice();
      return new Response('{"ok":false,"draining":true}', { status: 503 });
    });
    await twice;
    expect(asked).toEqual(['/readyz', '/readyz']);
    expect(signedOut).toEqual([]);
    expect(store.getState().connection).toBe('reconnecting');
  });

  it('sends co-browse requests, joins a shared page and hands its data to the watcher, not the store', async () => {
    startSession();
    const conn = await relay.nextConnection();
    conn.send(welcome([conversation()]));
    await until(() => store.getState().connection === 'online');
    session.requestCobrowse('c1', 'view');
    expect(await conn.next('cobrowse.request')).toEqual({ type: 'cobrowse.request', conversationId: 'c1', scope: 'view' });
    conn.send({ type: 'cobrowse.state', status: cobrowseStatus({ view: 'active', live: true, since: 4 }) });
    await until(() => store.getState().cobrowse.c1?.view === 'active');

    const seen: CobrowseEventsFrame[] = [];
    let arrived: () => void = () => undefined;
    const both = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const leave = session.watchCobrowse('c1', {
      events: (frame) => {
        seen.push(frame);
        if (seen.length === 2) arrived();
      },
      reset: () => undefined,
    });
    expect(await conn.next('cobrowse.join')).toEqual({ type: 'cobrowse.join', conversationId: 'c1' });
    const before = store.getState();
    conn.send({ type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq: 0, full: true, data: '[1]' });
    conn.send({ type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq: 1, data: '[2]' });
    await both;
    expect(seen.map((f) => f.data)).toEqual(['[1]', '[2]']);
    expect(store.getState()).toBe(before);

    session.pointCobrowse('c1', 'highlight', 12, 0.25, 0.75);
    expect(await conn.next('cobrowse.pointer')).toEqual({ type: 'cobrowse.pointer', conversationId: 'c1', kind: 'highlight', node: 12, x: 0.25, y: 0.75 });
    session.controlCobrowse('c1', { action: 'click', node: 12, x: 0.5, y: 0.5 });
    expect(await conn.next('cobrowse.control')).toEqual({ type: 'cobrowse.control', conversationId: 'c1', action: 'click', node: 12, x: 0.5, y: 0.5 });
    leave();
    expect(await conn.next('cobrowse.leave')).toEqual({ type: 'cobrowse.leave', conversationId: 'c1' });
    session.endCobrowse('c1', 'view');
    expect(await conn.next('cobrowse.end')).toEqual({ type: 'cobrowse.end', conversationId: 'c1', scope: 'view' });
  });

  it('joins a watched page again after reconnecting and tells the viewer to expect a fresh checkpoint', async () => {
    startSession();
    const first = await relay.nextConnection();
    first.send(welcome([conversation()]));
    await until(() => store.getState().connection === 'online');
    let resets = 0;
    session.watchCobrowse('c1', { events: () => undefined, reset: () => (resets += 1) });
    await first.next('cobrowse.join');
    first.close(1001);
    const second = await relay.nextConnection();
    second.send(welcome([conversation()]));
    expect(await second.next('cobrowse.join')).toEqual({ type: 'cobrowse.join', conversationId: 'c1' });
    expect(resets).toBe(1);
  });

  it('signs out at once with an expired token', () => {
    startSession(fakeAgentToken(ME.id, Date.now() - 1000));
    expect(signedOut).toEqual([SIGNED_OUT_MESSAGES.expired]);
  });
});
