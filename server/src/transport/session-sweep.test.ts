import { describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { Storage } from '../storage/storage.js';
import { SESSION_ENDED_MESSAGE, SessionSweep, type SweptPeer } from './session-sweep.js';

const silent: Logger = { info: () => undefined, error: () => undefined };

/** A connection that records how it was closed. */
function peer(agentSessionId: string | undefined): SweptPeer & { closedWith: string[] } {
  const closedWith: string[] = [];
  return { agentSessionId, closedWith, expire: (message) => closedWith.push(message ?? '') };
}

/** A store with one agent and the given live sessions, counting liveness queries. */
async function storeWith(sessions: string[]): Promise<{ storage: Storage; queries: () => number }> {
  const storage = new MemoryStorage();
  await storage.createAgent({ id: 'ann', email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: 'h', createdAt: 1 });
  for (const id of sessions) await storage.createAgentSession({ id, agentId: 'ann', createdAt: 1, expiresAt: Date.now() + 60_000 });
  let queries = 0;
  const live = storage.liveAgentSessions.bind(storage);
  storage.liveAgentSessions = (ids, now) => {
    queries++;
    return live(ids, now);
  };
  return { storage, queries: () => queries };
}

describe('SessionSweep', () => {
  it('closes every connection of an ended session with one query, and leaves live sessions and visitors alone', async () => {
    const { storage, queries } = await storeWith(['live']);
    const ended = [peer('ended'), peer('ended')];
    const kept = peer('live');
    const visitor = peer(undefined);
    const sweep = new SessionSweep(storage, [...ended, kept, visitor], 0, silent);
    await sweep.sweepSoon();
    expect(ended.map((p) => p.closedWith)).toEqual([[SESSION_ENDED_MESSAGE], [SESSION_ENDED_MESSAGE]]);
    expect(kept.closedWith).toEqual([]);
    expect(visitor.closedWith).toEqual([]);
    expect(queries()).toBe(1);
  });

  it('asks the store nothing when no agent is connected', async () => {
    const { storage, queries } = await storeWith([]);
    await new SessionSweep(storage, [peer(undefined)], 0, silent).sweepSoon();
    expect(queries()).toBe(0);
  });

  it('runs one more sweep for the requests made during a sweep, so a session ended meanwhile is not missed', async () => {
    const { storage, queries } = await storeWith(['a']);
    const connection = peer('a');
    const sweep = new SessionSweep(storage, [connection], 0, silent);
    const first = sweep.sweepSoon();
    // The first sweep has asked the store already; the session ends after that.
    await storage.endAgentSession('a');
    const second = sweep.sweepSoon();
    const third = sweep.sweepSoon();
    expect(third).toBe(second);
    await first;
    expect(connection.closedWith).toEqual([]);
    await second;
    expect(connection.closedWith).toEqual([SESSION_ENDED_MESSAGE]);
    expect(queries()).toBe(2);
  });
});
