/**
 * A frame forwarded to the node that owns its call, when that node cannot write to the database:
 * the connection that sent it, on another node, gets the same retryable `unavailable` it would
 * get from its own node's store, not `internal`; once the database writes again, forwarded
 * frames are handled as before. Two brokers on one in-process bus and one SQLite file, locked for real by another
 * connection (as another process would).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBusHub } from '../../bus/memory-bus.js';
import { DATABASE_FILE, SqliteStorage } from '../../storage/sqlite-storage.js';
import { createAnonymousVisitor } from '../identity.js';
import { seedStorage, testBroker, type TestPeer } from '../test-broker.js';

const closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The last call phase a peer was told of. */
const phaseOf = (peer: TestPeer): string | undefined => peer.frames.filter((f) => f.type === 'call.state').at(-1)?.call.phase;

describe('a frame forwarded to its owner node', () => {
  it('is refused with unavailable while the owner cannot write, and handled again once it can', async () => {
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

    const other = new BetterSqlite3(join(dataDir, DATABASE_FILE));
    closers.push(() => void (other.open && other.close()));
    other.exec('BEGIN EXCLUSIVE');
    // The owner answers the call, then cannot write its line on the timeline.
    await expect(b.broker.handle(ann.session, { type: 'call.accept', callId: 'owner-cannot-write' })).rejects.toMatchObject({
      name: 'ParleyError',
      code: 'unavailable',
    });
    other.exec('ROLLBACK');
    other.close();

    // Writes go through again: the next forwarded frame is handled and its line stored.
    await b.broker.handle(ann.session, { type: 'call.end', callId: 'owner-cannot-write', reason: 'hangup' });
    await vi.waitFor(() => expect(phaseOf(tab)).toBe('ended'));
    await vi.waitFor(async () => expect((await storage.listMessages(conversation!.id, 0, 20)).at(-1)?.text).toMatch(/^Call ended/));
  });
});
