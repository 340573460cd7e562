import { PROTOCOL_VERSION } from '@parley/protocol';
import type { ServerFrame } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { StubRelay } from '../testing/stub-relay.js';
import { RelaySocket } from './socket.js';
import type { ConnectionState, RelaySocketOptions, WebSocketFactory } from './socket.js';

let relay: StubRelay;
let socket: RelaySocket | undefined;

afterEach(async () => {
  socket?.stop();
  await relay?.close();
});

/** A socket against the stub relay, with every state change and frame recorded. */
async function connect(options: Partial<RelaySocketOptions> = {}) {
  relay = new StubRelay();
  const origin = (await relay.start()).replace('http', 'ws');
  const states: ConnectionState[] = [];
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket = new RelaySocket({
    url: () => `${origin}/ws?token=t`,
    hello: () => ({ type: 'hello', v: PROTOCOL_VERSION }),
    onFrame: (frame) => (frames.push(frame), wake()),
    onState: (state) => (states.push(state), wake()),
    onFatal: () => undefined,
    WebSocket: NodeWebSocket as unknown as WebSocketFactory,
    backoff: { baseMs: 10, capMs: 20 },
    ...options,
  });
  socket.start();
  /** Resolves once `check` holds. */
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { states, frames, until };
}

describe('RelaySocket', () => {
  it('opens with hello and counts as open once the relay welcomes it', async () => {
    const { states, until } = await connect();
    await until(() => socket!.state === 'open');
    expect((await relay.waitFor('hello')).v).toBe(PROTOCOL_VERSION);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('reconnects after the relay drops the link and says hello again', async () => {
    const { until } = await connect();
    await until(() => socket!.state === 'open');
    relay.sockets[0]!.terminate();
    await until(() => socket!.state === 'closed');
    await until(() => socket!.state === 'open');
    await relay.waitFor('hello', (_, connection) => connection === 1);
    expect(relay.sockets).toHaveLength(2);
  });

  it('reconnects when its relay node drains (1012), as after any restart: not fatal, backoff reset by the welcome', async () => {
    const fatal: number[] = [];
    const draws: number[] = [];
    const { until } = await connect({ onFatal: (code) => void fatal.push(code), random: () => (draws.push(1), 0.5) });
    await until(() => socket!.state === 'open');
    relay.sockets[0]!.close(1012, 'draining');
    await until(() => socket!.state === 'closed');
    await until(() => socket!.state === 'open');
    expect(fatal).toEqual([]);
    expect(draws).toHaveLength(1);
    expect(relay.sockets).toHaveLength(2);
  });

  it('reconnects with backoff when the relay closes a hello it could not welcome (1011), until one is welcomed', async () => {
    const fatal: number[] = [];
    const { states, until } = await connect({ onFatal: (code) => void fatal.push(code) });
    await until(() => socket!.state === 'open');
    relay.failingHellos = 2;
    relay.sockets[0]!.terminate();
    await until(() => relay.sockets.length === 4 && socket!.state === 'open');
    expect(fatal).toEqual([]);
    // Each refused hello ends in a wait and a new attempt: never stuck, never given up.
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'closed', 'connecting', 'closed', 'connecting', 'open']);
    await relay.waitFor('hello', (_, connection) => connection === 3);
  });

  it('stops on a fatal close code and reports it', async () => {
    let fatal = 0;
    const { until } = await connect({ onFatal: (code) => (fatal = code) });
    await until(() => socket!.state === 'open');
    relay.sockets[0]!.close(4000, 'version');
    await until(() => socket!.state === 'stopped');
    expect(fatal).toBe(4000);
    expect(relay.sockets).toHaveLength(1);
  });

  it('sends frames only while open', async () => {
    const { until } = await connect();
    expect(socket!.send({ type: 'ping' })).toBe(false);
    await until(() => socket!.state === 'open');
    expect(socket!.send({ type: 'visitor.track', event: 'clicked' })).toBe(true);
    expect((await relay.waitFor('visitor.track')).event).toBe('clicked');
  });

  it('pings and treats a link that stays silent past the deadline as dead', async () => {
    const { until } = await connect({ pingMs: 30, pongTimeoutMs: 30 });
    await until(() => socket!.state === 'open');
    await relay.waitFor('ping');
    relay.mute = true;
    await until(() => socket!.state === 'closed');
    relay.mute = false;
    await until(() => socket!.state === 'open');
    expect(relay.sockets.length).toBeGreaterThanOrEqual(2);
  });

  it('asks its owner before each reconnect attempt', async () => {
    const attempts: number[] = [];
    const { until } = await connect({ beforeReconnect: (n) => void attempts.push(n) });
    await until(() => socket!.state === 'open');
    relay.sockets[0]!.terminate();
    await until(() => socket!.state === 'closed');
    await until(() => socket!.state === 'open');
    expect(attempts).toEqual([1]);
  });
});
