/**
 * A call answered and ended from another node than the one that owns it, while the owner cannot
 * write to the database: the call goes on (it needs no store) and what it says on the timeline
 * is written once the database writes again, in order; and a forwarded frame whose handling the
 * owner's store refuses reaches the sender's node as the same retryable `unavailable`, not
 * `internal`. Nodes on one in-process bus and one SQLite file, locked for real by another
 * connection (as another process would).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBusHub } from '../../bus/memory-bus.js';
import { holdWriteLock } from '../../storage/hold-write-lock.js';
import { SqliteStorage } from '../../storage/sqlite-storage.js';
import type { CallsCapability } from '../capabilities.js';
import { createAnonymousVisitor } from '../identity.js';
import { Session } from '../session.js';
import { seedStorage, testBroker, type TestPeer } from '../test-broker.js';
import { RemotePeers } from './peers.js';

const closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The last call phase a peer was told of. */
const phaseOf = (peer: TestPeer): string | undefined => peer.frames.filter((f) => f.type === 'call.state').at(-1)?.call.phase;

describe('a call whose owner node cannot write', () => {
  it('connects and ends as its people decide, and its lines reach the timeline once the store is back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-peers-'));
    closers.push(() => rm(dataDir, { recursive: true, force: true }));
    // A short busy timeout: a write gives up quickly while the file is locked.
    const store = async (): Promise<SqliteStorage> => {
      const made = new SqliteStorage({ dataDir, busyTimeoutMs: 50 });
      closers.push(() => made.close());
      await made.migrate();
      return made;
    };
    const storage = await seedStorage(await store());
    const hub = new MemoryBusHub();
    const node = async (name: string) => {
      const bus = hub.connect(name, { heartbeatMs: 40, deadAfterMs: 400 });
      const made = await testBroker({ storage: await store(), bus, settings: { announceWindowMs: 0, visitorUpdateWindowMs: 0 } });
      closers.push(async () => {
        made.broker.close();
        await bus.close();
      });
      return { ...made, bus };
    };
    const a = await node('node-a');
    const b = await node('node-b');
    await vi.waitFor(() => expect(b.bus.nodes()).toHaveLength(2));

    // The visitor's call lives on node A; the agent answers it from node B.
    const tab = await a.connect({ role: 'visitor', visitorId: (await createAnonymousVisitor(storage, 'site1', 1)).id, siteId: 'site1' });
    await a.broker.handle(tab.session, { type: 'chat.send', clientId: 'please-call-me', text: 'Call me?' });
    const [conversation] = await storage.listConversations({ visitorId: tab.session.subjectId, limit: 1 });
    const ann = await b.connect({ role: 'agent', agentId: 'agent1' });
    await a.broker.handle(tab.session, { type: 'call.start', conversationId: conversation!.id, callId: 'owner-cannot-write' });
    await vi.waitFor(() => expect(phaseOf(ann)).toBe('ringing'));

    const release = holdWriteLock(dataDir);
    closers.push(release);
    // The owner cannot write the answer's line: the call connects all the same (it needs no
    // store), and the agent is not told it failed.
    await b.broker.handle(ann.session, { type: 'call.accept', callId: 'owner-cannot-write' });
    await vi.waitFor(() => expect(phaseOf(tab)).toBe('connecting'));
    expect(phaseOf(ann)).toBe('connecting');
    expect(ann.frames.some((f) => f.type === 'call.ice')).toBe(true);
    // Hung up while the store still cannot write: the call ends for both.
    await b.broker.handle(ann.session, { type: 'call.end', callId: 'owner-cannot-write', reason: 'hangup' });
    await vi.waitFor(() => expect(phaseOf(tab)).toBe('ended'));
    const texts = async (): Promise<string[]> => (await storage.listMessages(conversation!.id, 0, 20)).map((m) => m.text);
    expect(await texts()).not.toContain('Ann answered the call');
    release();

    // Once the store writes again, the lines are written once each, in the order of the call's events.
    await vi.waitFor(async () => expect((await texts()).at(-1)).toMatch(/^Call ended/), { timeout: 15_000 });
    const lines = await texts();
    expect(lines.filter((text) => text === 'Ann answered the call')).toHaveLength(1);
    expect(lines.indexOf('Ann answered the call')).toBeLessThan(lines.findIndex((text) => text.startsWith('Call ended')));
    // Answering the waiting conversation's call took it, once the store could say so.
    expect((await storage.getConversation(conversation!.id))?.assigneeId).toBe('agent1');
    expect(a.broker.capability<CallsCapability>('calls')?.hub.unwritten.size).toBe(0);
  });
});

describe('RemotePeers.forward', () => {
  it("refuses a frame with the owner's retryable unavailable while the owner's store cannot write, and handles it once it can", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-forward-'));
    closers.push(() => rm(dataDir, { recursive: true, force: true }));
    const storage = new SqliteStorage({ dataDir, busyTimeoutMs: 50 });
    closers.push(() => storage.close());
    await seedStorage(storage);
    const hub = new MemoryBusHub();
    const busA = hub.connect('node-a');
    const busB = hub.connect('node-b');
    closers.push(() => busA.close(), () => busB.close());
    // The owner handles a forwarded frame by writing to its store, as a capability would.
    const conversation = await storage.createConversation({ id: 'forwarded', siteId: 'site1', visitorId: (await createAnonymousVisitor(storage, 'site1', 1)).id, createdAt: 1 });
    const owner = new RemotePeers(busA, {
      handle: async (_session, frame) => void (await storage.appendMessage({ id: `m-${frame.type}`, conversationId: conversation.id, clientId: 'forwarded-1', author: 'system', authorId: '', text: frame.type, at: 2 })),
      left: async () => undefined,
    });
    const asking = new RemotePeers(busB, { handle: async () => undefined, left: async () => undefined });
    closers.push(() => owner.close(), () => asking.close());
    const link = { id: 'agent-on-b', bufferedAmount: 0, sendText: () => undefined, closeWith: () => undefined };
    const session = new Session(link, { role: 'agent', agentId: 'agent1' });

    const release = holdWriteLock(dataDir);
    closers.push(release);
    await expect(asking.forward('node-a', session, { type: 'call.end', callId: 'x', reason: 'hangup' }, 'call_not_found')).rejects.toMatchObject({
      name: 'ParleyError',
      code: 'unavailable',
    });
    release();
    await asking.forward('node-a', session, { type: 'call.end', callId: 'x', reason: 'hangup' }, 'call_not_found');
    expect((await storage.listMessages(conversation.id, 0, 10)).map((m) => m.text)).toEqual(['call.end']);
  });
});

