import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aConversation, aMessage } from './contract-fixtures.js';
import { DatabaseConnectionError } from './pg-errors.js';
import { holdWriteLock } from './hold-write-lock.js';
import { SqliteStorage } from './sqlite-storage.js';
import { StorageError } from './storage-error.js';
import { isStoreUnavailable, logStoreUnavailable, STORE_LOG_INTERVAL_MS } from './store-unavailable.js';

describe('isStoreUnavailable', () => {
  let dataDir: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-unavailable-'));
    // A short busy timeout: the write gives up quickly while another process holds the lock.
    storage = new SqliteStorage({ dataDir, busyTimeoutMs: 50 });
    await storage.migrate();
  });

  afterEach(async () => {
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('recognises a SQLite write that stayed locked past its busy timeout, and writes go on once the lock is gone', async () => {
    const conversation = await aConversation(storage);
    const release = holdWriteLock(dataDir);
    const refused = await storage.appendMessage(aMessage(conversation.id)).then(() => 'resolved', (error: unknown) => error);
    expect(refused).toMatchObject({ name: 'SqliteError', code: expect.stringMatching(/^SQLITE_BUSY/) });
    expect(isStoreUnavailable(refused)).toBe(true);
    release();
    expect((await storage.appendMessage(aMessage(conversation.id))).message.seq).toBe(1);
  });

  it('recognises a PostgreSQL connection failure, also when another error wraps it', () => {
    const lost = new DatabaseConnectionError('postgres://db/parley', 'the server is shutting down (57P01)', '57P01');
    expect(isStoreUnavailable(lost)).toBe(true);
    expect(isStoreUnavailable(new Error('the batch failed', { cause: lost }))).toBe(true);
  });

  it('leaves verdicts on the data and faults of the relay alone', async () => {
    const conversation = await aConversation(storage);
    const taken = await storage.createSite({ ...(await storage.getSite(conversation.siteId))! }).then(() => 'resolved', (error: unknown) => error);
    expect(taken).toBeInstanceOf(StorageError);
    expect(isStoreUnavailable(taken)).toBe(false);
    expect(isStoreUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isStoreUnavailable('SQLITE_BUSY')).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});

describe('logStoreUnavailable', () => {
  it('logs the first refusal of an outage at once, then one line per interval with how many it left out', () => {
    const lines: { message: string; data?: Record<string, unknown> }[] = [];
    const log = { info: () => undefined, error: (message: string, data?: Record<string, unknown>) => void lines.push({ message, data }) };
    const error = new DatabaseConnectionError('postgres://db/parley', 'nothing accepts connections there (ECONNREFUSED)', 'ECONNREFUSED');
    const start = 2_000_000_000_000;
    for (let i = 0; i < 50; i++) logStoreUnavailable(log, 'chat.send', error, start + i);
    logStoreUnavailable(log, 'POST /api/visitors', error, start + STORE_LOG_INTERVAL_MS);
    expect(lines).toEqual([
      { message: 'refused: the store is unavailable', data: { what: 'chat.send', reason: error.message, refusedSinceLastLine: 0 } },
      { message: 'refused: the store is unavailable', data: { what: 'POST /api/visitors', reason: error.message, refusedSinceLastLine: 49 } },
    ]);
  });
});
