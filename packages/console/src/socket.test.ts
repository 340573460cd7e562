import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { WebSocket } from 'ws';
import { ReconnectingSocket, socketUrl, type SocketCloseInfo, type WebSocketLike } from './socket.js';
import { startFakeRelay, type FakeRelay } from './test-support/fake-relay.js';

let relay: FakeRelay;
let socket: ReconnectingSocket;

function open(events: { frames: ServerFrame[]; closes: SocketCloseInfo[]; onClose?: () => void }, pingMs = 25_000): ReconnectingSocket {
  socket = new ReconnectingSocket({
    url: `ws://${relay.host}/ws?token=t`,
    hello: () => ({ type: 'hello', v: 1 }),
    onFrame: (f) => events.frames.push(f),
    onOpen: () => undefined,
    onClose: (info) => {
      events.closes.push(info);
      events.onClose?.();
    },
    createWebSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    backoff: { baseMs: 20, maxMs: 40 },
    pingMs,
  });
  socket.start();
  return socket;
}

beforeEach(async () => {
  relay = await startFakeRelay();
});

afterEach(async () => {
  socket.stop();
  await relay.close();
});

describe('ReconnectingSocket', () => {
  it('opens with hello and reconnects after the relay drops it', async () => {
    const events = { frames: [] as ServerFrame[], closes: [] as SocketCloseInfo[] };
    open(events);
    const first = await relay.nextConnection();
    expect(await first.next('hello')).toEqual({ type: 'hello', v: 1 });
    first.close(1001);
    const second = await relay.nextConnection();
    expect(await second.next('hello')).toEqual({ type: 'hello', v: 1 });
    expect(events.closes).toEqual([{ code: 1001, reason: '', opened: true, fatal: false }]);
  });

  it('does not reconnect after a fatal close code', async () => {
    let closed: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const events = { frames: [] as ServerFrame[], closes: [] as SocketCloseInfo[], onClose: () => closed() };
    open(events);
    (await relay.nextConnection()).close(4001);
    await done;
    expect(events.closes[0]).toMatchObject({ code: 4001, fatal: true });
    expect(socket.open).toBe(false);
  });

  it('sends an application ping on its interval', async () => {
    open({ frames: [], closes: [] }, 30);
    const conn = await relay.nextConnection();
    expect(await conn.next('ping')).toMatchObject({ type: 'ping' });
  });

  it('hands relay frames to its owner', async () => {
    const frames: ServerFrame[] = [];
    let got: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => {
      got = resolve;
    });
    socket = new ReconnectingSocket({
      url: `ws://${relay.host}/ws`,
      hello: () => ({ type: 'hello', v: 1 }),
      onFrame: (f) => {
        frames.push(f);
        got();
      },
      onOpen: () => undefined,
      onClose: () => undefined,
      createWebSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    });
    socket.start();
    const conn = await relay.nextConnection();
    conn.send({ type: 'presence', agentsOnline: 2 });
    await arrived;
    expect(frames).toEqual([{ type: 'presence', agentsOnline: 2 }]);
  });
});

describe('socketUrl', () => {
  it('uses wss under https and escapes the token', () => {
    expect(socketUrl({ protocol: 'https:', host: 'chat.example.com' }, 'a.b+c')).toBe('wss://chat.example.com/ws?token=a.b%2Bc');
    expect(socketUrl({ protocol: 'http:', host: 'localhost:8080' }, 'x')).toBe('ws://localhost:8080/ws?token=x');
  });
});
