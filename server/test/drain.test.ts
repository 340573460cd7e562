/**
 * Draining a relay in process (what SIGTERM does, see `drain-cli.test.ts` for the process): a
 * send whose durable write is under way when the drain starts is acknowledged, then the client
 * is told to reconnect elsewhere (1012); new connections are refused and `/readyz` says so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { openStorage } from '../src/storage/open-storage.js';
import type { Storage } from '../src/storage/storage.js';
import { PAGE_ORIGIN, TestClient, startTestRelay, upgradeStatus, visitorToken, type TestRelay } from './relay-harness.js';

/** Holds the store's append of one client id until released: a write in flight, on a real store. */
function holdAppend(storage: Storage, clientId: string): { reached: Promise<void>; release: () => void } {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const append = storage.appendMessage.bind(storage);
  storage.appendMessage = async (message) => {
    if (message.clientId === clientId) {
      reach();
      await released;
    }
    return append(message);
  };
  return { reached, release };
}

/** Resolves once nothing accepts TCP connections at `url` any more (the relay stopped listening). */
async function stoppedListening(url: string): Promise<void> {
  const port = Number(new URL(url).port);
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
  }
}

describe('relay drain', () => {
  let dataDir: string;
  let storage: Storage;
  let relay: TestRelay;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-drain-'));
    storage = await openStorage({ kind: 'sqlite', dataDir });
  });
  afterEach(async () => {
    await relay.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('acknowledges the send in flight, then closes with a draining error and 1012', async () => {
    const held = holdAppend(storage, 'drain-in-flight');
    relay = await startTestRelay({ storageInstance: storage, dataDir, drainTimeoutMs: 30_000 });
    const { token } = await visitorToken(relay);
    const client = new TestClient(relay, token, PAGE_ORIGIN);
    await client.hello();
    client.send({ type: 'chat.send', clientId: 'drain-first', text: 'before' });
    const { conversationId } = await client.next('chat.ack');

    client.send({ type: 'chat.send', conversationId, clientId: 'drain-in-flight', text: 'being written' });
    await held.reached;
    const drained = relay.drain();
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${relay.url}/readyz`)).json()).toEqual({ ok: false, draining: true, failed: ['draining'] });
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect(await upgradeStatus(relay, token, PAGE_ORIGIN)).toBe(503);
    // Sent after the drain began: not handled here; the client's outbox sends it again elsewhere.
    client.send({ type: 'chat.send', conversationId, clientId: 'drain-too-late', text: 'after' });

    held.release();
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1012, reason: 'draining' });
    const tail = client.frames.slice(-2) as ServerFrame[];
    expect(tail[0]).toMatchObject({ type: 'chat.ack', clientId: 'drain-in-flight', seq: 2 });
    expect(tail[1]).toMatchObject({ type: 'error', code: 'draining' });
    await drained;

    const stored = await storage.listMessages(conversationId, 0, 10);
    expect(stored.map((m) => m.clientId)).toEqual(['drain-first', 'drain-in-flight']);
  });

  it('keeps answering HTTP until every connection has closed, then stops', async () => {
    relay = await startTestRelay({ storageInstance: storage, dataDir, drainTimeoutMs: 30_000 });
    const { token } = await visitorToken(relay);
    const slow = new TestClient(relay, token, PAGE_ORIGIN);
    await slow.hello();
    // A client that stops reading never answers the close: the drain waits for it (up to its timeout).
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const drained = relay.drain();
    let done = false;
    void drained.then(() => (done = true));
    expect(await upgradeStatus(relay, token, PAGE_ORIGIN)).toBe(503);
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(503);
    expect(relay.connections()).toBe(1);
    expect(done).toBe(false);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(1012);
    await drained;
    await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
  });

  it('closes what is left once the drain timeout is spent', async () => {
    const infos: { message: string; data?: Record<string, unknown> }[] = [];
    const log = { info: (message: string, data?: Record<string, unknown>) => void infos.push({ message, data }), error: () => undefined };
    relay = await startTestRelay({ storageInstance: storage, dataDir, drainTimeoutMs: 200, log });
    const { token } = await visitorToken(relay);
    const stuck = new TestClient(relay, token, PAGE_ORIGIN);
    await stuck.hello();
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await relay.drain();
    expect(relay.connections()).toBe(0);
    expect(infos.find((l) => l.message.startsWith('drain timed out'))?.data).toEqual({ connections: 1, timeoutMs: 200 });
    // The close frame went out when the drain began; the socket was dropped at the timeout.
    (stuck.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await stuck.closed).code).toBe(1012);
  });

  it('lets an HTTP request under way finish before it stops', async () => {
    // A bus whose readiness answer waits for the test: a request the relay is in the middle of.
    let reached!: () => void;
    const asked = new Promise<void>((resolve) => (reached = resolve));
    let answer!: (up: boolean) => void;
    const bus = Object.assign(new MemoryBus(), {
      isUp: () => (reached(), new Promise<boolean>((resolve) => (answer = resolve))),
    });
    relay = await startTestRelay({ storageInstance: storage, dataDir, bus });
    const probe = fetch(`${relay.url}/readyz`);
    await asked;
    const drained = relay.drain();
    // The relay is past the drain and closing its HTTP server, with this request still under way.
    await stoppedListening(relay.url);
    answer(true);
    // Answered, not cut: the drain began while its checks ran, so it says so.
    const res = await probe;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ draining: true, checks: { storage: 'ok', bus: 'ok' } });
    await drained;
  });
});
