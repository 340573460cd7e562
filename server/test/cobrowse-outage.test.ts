/**
 * Co-browse while the database cannot write: consent and control change as the visitor decides
 * and both sides are told so, with no error; the lines they leave on the timeline are written
 * once each, in order, when the store writes again. A real relay on a real SQLite file, locked
 * by another connection (as another process would).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdWriteLock } from '../src/storage/hold-write-lock.js';
import { SqliteStorage } from '../src/storage/sqlite-storage.js';
import { PAGE_ORIGIN, TestClient, adminToken, readAll, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

describe('co-browse during a store outage', () => {
  let relay: TestRelay;
  let storage: SqliteStorage;
  const clients: TestClient[] = [];

  beforeEach(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-cobrowse-outage-'));
    // A short busy timeout: a write gives up quickly while another connection holds the lock.
    storage = new SqliteStorage({ dataDir, busyTimeoutMs: 50 });
    await storage.migrate();
    relay = await startTestRelay({ dataDir, storageInstance: storage });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await relay.close();
    await storage.close();
    await rm(relay.dataDir, { recursive: true, force: true });
  });

  async function connect(token: string, origin: string): Promise<TestClient> {
    const client = new TestClient(relay, token, origin);
    clients.push(client);
    await client.hello();
    return client;
  }

  it('lets the visitor allow sharing and control, tells both sides, and writes the lines once each, in order, when the store is back', async () => {
    const visitor = await connect((await visitorToken(relay)).token, PAGE_ORIGIN);
    visitor.send({ type: 'chat.send', clientId: 'outage-hello', text: 'can you look at this page?' });
    const { conversationId } = await visitor.next('chat.ack');
    const agent = await connect(await adminToken(relay), relay.publicOrigin);
    agent.send({ type: 'conversation.open', conversationId });
    await agent.next('conversation.detail');
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    await agent.next('chat.message', (f) => f.message.text === "Admin asked to see the visitor's page");

    const unlock = holdWriteLock(relay.dataDir);
    const texts = async (): Promise<string[]> => (await storage.listMessages(conversationId, 0, 100)).map((m) => m.text);
    try {
      visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab: 'tab-outage-0001' });
      expect((await visitor.next('cobrowse.state', (f) => f.status.view === 'active')).status).toMatchObject({ source: true });
      expect((await agent.next('cobrowse.state', (f) => f.status.view === 'active')).status).toMatchObject({ live: true });
      // Control too: asked and allowed while the store still cannot write.
      agent.send({ type: 'cobrowse.request', conversationId, scope: 'control' });
      const control = await visitor.next('cobrowse.state', (f) => f.status.control === 'requested');
      visitor.send({ type: 'cobrowse.consent', conversationId, requestId: control.status.requestId!, granted: true, tab: 'tab-outage-0001' });
      await visitor.next('cobrowse.state', (f) => f.status.control === 'active');
      await agent.next('cobrowse.state', (f) => f.status.control === 'active');
      // The control it was allowed reaches the sharing tab.
      agent.send({ type: 'cobrowse.control', conversationId, action: 'click', node: 7 });
      await visitor.next('cobrowse.control');
      expect(await texts()).not.toContain('The visitor started sharing their page');
    } finally {
      unlock();
    }

    // Once the store writes again, each line is written and delivered once, in the order of the events.
    await agent.next('chat.message', (f) => f.message.text === 'The visitor allowed remote control', 15_000);
    const lines = (await readAll(visitor, conversationId)).map((m) => m.text);
    expect(lines).toEqual([
      'can you look at this page?',
      "Admin asked to see the visitor's page",
      'The visitor started sharing their page',
      'Admin asked for remote control',
      'The visitor allowed remote control',
    ]);
    // What happens next goes after them.
    visitor.send({ type: 'cobrowse.end', conversationId, scope: 'view' });
    await agent.next('chat.message', (f) => f.message.text === 'The visitor stopped sharing their page');
    expect((await texts()).slice(2)).toEqual([
      'The visitor started sharing their page',
      'Admin asked for remote control',
      'The visitor allowed remote control',
      'The visitor stopped sharing their page',
    ]);
    // Nobody was told anything failed.
    expect([...visitor.frames, ...agent.frames].filter((f) => f.type === 'error')).toEqual([]);
  });
});
