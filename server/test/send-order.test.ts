import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@parley/protocol';
import { holdWriteLock } from '../src/storage/hold-write-lock.js';
import { SqliteStorage } from '../src/storage/sqlite-storage.js';
import { PAGE_ORIGIN, TestClient, readAll, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('message order across a store outage', () => {
  let relay: TestRelay;
  let storage: SqliteStorage;

  beforeEach(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-send-order-'));
    // A short busy timeout: a write gives up quickly while another connection holds the lock.
    storage = new SqliteStorage({ dataDir, busyTimeoutMs: 50 });
    await storage.migrate();
    relay = await startTestRelay({ dataDir, storageInstance: storage });
  });

  afterEach(async () => {
    await relay.close();
    await storage.close();
    await rm(relay.dataDir, { recursive: true, force: true });
  });

  it('refuses a later message of the conversation while an earlier refused one is not stored, so resending keeps their order', async () => {
    const client = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    await client.hello();
    client.send({ type: 'chat.send', clientId: 'order-first', text: 'first' });
    const { conversationId } = await client.next('chat.ack');

    const unlock = holdWriteLock(relay.dataDir);
    client.send({ type: 'chat.send', clientId: 'order-second', conversationId, text: 'second' });
    expect(await client.next('error', (f) => f.ref === 'order-second')).toMatchObject({ code: 'unavailable' });
    // The store is back before the next message of the same burst is handled.
    unlock();
    client.send({ type: 'chat.send', clientId: 'order-third', conversationId, text: 'third' });
    expect(await client.next('error', (f) => f.ref === 'order-third')).toMatchObject({ code: 'unavailable' });
    // Held back, not misbehaving: as many such refusals as it takes leave the connection open.
    for (let i = 0; i < DEFAULT_LIMITS.maxErrors; i++) client.send({ type: 'chat.send', clientId: 'order-third', conversationId, text: 'third' });
    for (let i = 0; i < DEFAULT_LIMITS.maxErrors; i++) expect((await client.next('error', (f) => f.ref === 'order-third')).code).toBe('unavailable');

    // The outbox resends oldest first: both are stored, in the order they were written.
    client.send({ type: 'chat.send', clientId: 'order-second', conversationId, text: 'second' });
    client.send({ type: 'chat.send', clientId: 'order-third', conversationId, text: 'third' });
    expect(await client.next('chat.ack', (f) => f.clientId === 'order-second')).toMatchObject({ seq: 2 });
    expect(await client.next('chat.ack', (f) => f.clientId === 'order-third')).toMatchObject({ seq: 3 });
    expect((await readAll(client, conversationId)).map((m) => m.text)).toEqual(['first', 'second', 'third']);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it('holds nothing back on a new connection: its outbox resends oldest first', async () => {
    const token = (await visitorToken(relay)).token;
    const client = new TestClient(relay, token, PAGE_ORIGIN);
    await client.hello();
    client.send({ type: 'chat.send', clientId: 'fresh-first', text: 'first' });
    const { conversationId } = await client.next('chat.ack');

    const unlock = holdWriteLock(relay.dataDir);
    client.send({ type: 'chat.send', clientId: 'fresh-second', conversationId, text: 'second' });
    expect(await client.next('error', (f) => f.ref === 'fresh-second')).toMatchObject({ code: 'unavailable' });
    unlock();
    client.close();
    await client.closed;

    const again = new TestClient(relay, token, PAGE_ORIGIN);
    await again.hello();
    again.send({ type: 'chat.send', clientId: 'fresh-second', conversationId, text: 'second' });
    again.send({ type: 'chat.send', clientId: 'fresh-third', conversationId, text: 'third' });
    expect((await again.next('chat.ack', (f) => f.clientId === 'fresh-third')).seq).toBe(3);
    expect((await readAll(again, conversationId)).map((m) => m.text)).toEqual(['first', 'second', 'third']);
    again.close();
  });
});
