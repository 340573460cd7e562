import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { STORE_RETRY_AFTER_S } from '../storage/store-unavailable.js';
import { createAnonymousVisitor } from './identity.js';
import { seedStorage, testBroker } from './test-broker.js';
import { FIRST_RETRY_MS, UnwrittenLines, type Unwritten } from './unwritten-lines.js';

const closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const close of closers.splice(0).reverse()) await close();
});

const silent = { info: () => undefined, error: () => undefined };
/** What the SQLite driver throws when the database stayed locked past its busy timeout. */
const busy = (): Error => new BetterSqlite3.SqliteError('database is locked', 'SQLITE_BUSY');
const entry = (text: string, clientId = `sys_${text}`): Unwritten<string> => ({ effect: text, clientId });

describe('UnwrittenLines', () => {
  it('hands back what waits for a conversation, oldest first, once, and nothing for another', () => {
    const lines = new UnwrittenLines<string>('test');
    lines.defer('c1', [entry('answered'), entry('ended')], 1);
    expect(lines.take('c2')).toEqual({ effects: [], failures: 0 });
    expect(lines.take('c1')).toEqual({ effects: [entry('answered'), entry('ended')], failures: 1 });
    expect(lines.take('c1')).toEqual({ effects: [], failures: 0 });
    expect(lines.size).toBe(0);
  });

  it('asks for a retry sooner at first, then no more often than the store says to retry', () => {
    vi.useFakeTimers();
    const lines = new UnwrittenLines<string>('test');
    const due: string[] = [];
    lines.onRetry = (conversationId) => void due.push(conversationId);
    lines.defer('c1', [entry('answered')], 1);
    vi.advanceTimersByTime(FIRST_RETRY_MS - 1);
    expect(due).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['c1']);
    lines.defer('c1', lines.take('c1').effects, 20);
    vi.advanceTimersByTime(STORE_RETRY_AFTER_S * 1000 - 1);
    expect(due).toEqual(['c1']);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['c1', 'c1']);
  });

  it('stops retrying when taken or closed', () => {
    vi.useFakeTimers();
    const lines = new UnwrittenLines<string>('test');
    const due: string[] = [];
    lines.onRetry = (conversationId) => void due.push(conversationId);
    lines.defer('c1', [entry('answered')], 1);
    lines.defer('c2', [entry('answered')], 1);
    lines.take('c1');
    lines.close();
    vi.advanceTimersByTime(STORE_RETRY_AFTER_S * 1000);
    expect(due).toEqual([]);
    expect(lines.size).toBe(0);
  });

  it('writes what waited first, keeps what an unavailable store refused under the same client ids, and rethrows other failures', async () => {
    const lines = new UnwrittenLines<string>('test');
    const tries: [string, string][] = [];
    let refuse = 'ringing';
    const write = async (text: string, clientId: string): Promise<void> => {
      tries.push([text, clientId]);
      if (text === refuse) throw busy();
    };
    await lines.write(silent, 'c1', ['answered', 'ringing', 'ended'], write);
    expect(tries.map(([text]) => text)).toEqual(['answered', 'ringing']);
    expect(lines.size).toBe(1);
    refuse = '';
    await lines.write(silent, 'c1', ['next'], write);
    expect(tries.slice(2).map(([text]) => text)).toEqual(['ringing', 'ended', 'next']);
    // The refused line is tried again under the client id it was first tried with.
    expect(tries[2]![1]).toBe(tries[1]![1]);
    expect(lines.size).toBe(0);
    await expect(lines.write(silent, 'c1', ['broken'], () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
    expect(lines.size).toBe(0);
  });

  it('stores a line once when its first commit went through but reported failure', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-unwritten-'));
    closers.push(() => rm(dataDir, { recursive: true, force: true }));
    const storage = await seedStorage(new SqliteStorage({ dataDir }));
    closers.push(() => storage.close());
    const { broker } = await testBroker({ storage });
    closers.push(() => broker.close());
    const visitor = await createAnonymousVisitor(storage, 'site1', 1);
    const conversation = await storage.createConversation({ id: 'cut-commit', siteId: 'site1', visitorId: visitor.id, createdAt: 1 });
    const lines = new UnwrittenLines<string>('test');
    let cut = true;
    // The line commits, but the store's answer is lost (a connection cut mid-commit): the writer hears it failed.
    const write = async (text: string, clientId: string): Promise<void> => {
      await broker.appendSystem(conversation, text, clientId);
      if (cut) {
        cut = false;
        throw busy();
      }
    };
    await lines.write(silent, conversation.id, ['Ann answered the call'], write);
    expect(lines.size).toBe(1);
    // The retry writes it again, under the same client id: the store keeps the first.
    await lines.write(silent, conversation.id, [], write);
    expect(lines.size).toBe(0);
    expect((await storage.listMessages(conversation.id, 0, 10)).map((m) => m.text)).toEqual(['Ann answered the call']);
  });
});
