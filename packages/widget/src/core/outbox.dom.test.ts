import { beforeEach, describe, expect, it } from 'vitest';
import { GatedStorage } from './gated-storage.js';
import { Outbox } from './outbox.js';

const KEY = 'parley:site1:outbox';

function stored(): { clientId: string; text: string }[] {
  return JSON.parse(localStorage.getItem(KEY) ?? '[]');
}

describe('Outbox', () => {
  beforeEach(() => localStorage.clear());

  it('gives every message its own client id', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const a = outbox.add('hello');
    const b = outbox.add('hello');
    expect(a.clientId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(a.clientId).not.toBe(b.clientId);
  });

  it('persists an entry as soon as it is added', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const entry = outbox.add('hello', 'conv1');
    expect(stored()).toEqual([{ clientId: entry.clientId, text: 'hello', at: entry.at, conversationId: 'conv1' }]);
  });

  it('survives a reload: a new outbox reads the stored entries', () => {
    const first = new Outbox(new GatedStorage('site1', true));
    const entry = first.add('kept');
    const second = new Outbox(new GatedStorage('site1', true));
    expect(second.entries.map((e) => e.clientId)).toEqual([entry.clientId]);
    expect(second.due(Date.now(), 10_000)).toHaveLength(1);
  });

  it('writes nothing to storage until writes are allowed, then flushes', () => {
    const storage = new GatedStorage('site1', false);
    const outbox = new Outbox(storage);
    outbox.add('held');
    expect(localStorage.getItem(KEY)).toBeNull();
    storage.allow();
    expect(stored().map((e) => e.text)).toEqual(['held']);
  });

  it('removes an entry on ack and ignores a duplicate ack', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const entry = outbox.add('hello');
    expect(outbox.ack(entry.clientId)?.text).toBe('hello');
    expect(outbox.ack(entry.clientId)).toBeUndefined();
    expect(outbox.entries).toEqual([]);
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it('resends an unacked entry after the timeout and shows it as failed-retrying', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const entry = outbox.add('hello');
    expect(outbox.due(1000, 10_000)).toHaveLength(1);
    outbox.markSent(entry.clientId, 1000);
    expect(outbox.status(entry.clientId)).toBe('sending');
    expect(outbox.due(5000, 10_000)).toEqual([]);
    expect(outbox.due(11_000, 10_000)).toHaveLength(1);
    outbox.markSent(entry.clientId, 11_000);
    expect(outbox.status(entry.clientId)).toBe('failed');
  });

  it('makes an entry refused for now due again at once, shown as failed-retrying, and keeps it', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const entry = outbox.add('hello');
    outbox.markSent(entry.clientId, 1000);
    expect(outbox.due(1001, 10_000)).toEqual([]);
    outbox.retrySoon(entry.clientId);
    expect(outbox.status(entry.clientId)).toBe('failed');
    expect(outbox.due(1001, 10_000).map((e) => e.clientId)).toEqual([entry.clientId]);
    expect(stored().map((e) => e.clientId)).toEqual([entry.clientId]);
  });

  it('spaces out the retries of a message the relay keeps refusing for now, and tries at once on a new connection', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const entry = outbox.add('hello');
    const due = (now: number): number => outbox.due(now, 10_000).length;
    let now = 1000;
    // The first three refusals: due again at once.
    for (let i = 0; i < 3; i++) {
      outbox.markSent(entry.clientId, now);
      outbox.retrySoon(entry.clientId, now);
      expect(due(now)).toBe(1);
    }
    // Then 5 s, 10 s, ... up to a minute.
    outbox.markSent(entry.clientId, now);
    outbox.retrySoon(entry.clientId, now);
    expect(due(now + 4_999)).toBe(0);
    expect(due(now + 5_000)).toBe(1);
    now += 5_000;
    for (let i = 0; i < 10; i++) {
      outbox.markSent(entry.clientId, now);
      outbox.retrySoon(entry.clientId, now);
    }
    expect(due(now + 59_999)).toBe(0);
    expect(due(now + 60_000)).toBe(1);
    // A new connection (the relay restarted, say) tries it at once; it is still kept.
    outbox.connectionStarted();
    expect(due(now)).toBe(1);
    expect(stored().map((e) => e.clientId)).toEqual([entry.clientId]);
  });

  it('marks everything failed when the connection drops and resends all on the next one', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const a = outbox.add('a');
    outbox.markSent(a.clientId, 1000);
    outbox.connectionLost();
    expect(outbox.status(a.clientId)).toBe('failed');
    expect(outbox.due(1001, 10_000)).toHaveLength(1);
  });

  it('keeps entries another tab added when writing its own', () => {
    const tabA = new Outbox(new GatedStorage('site1', true));
    const tabB = new Outbox(new GatedStorage('site1', true));
    const a = tabA.add('from A');
    const b = tabB.add('from B');
    expect(stored().map((e) => e.clientId).sort()).toEqual([a.clientId, b.clientId].sort());
  });

  it('takes another tab’s entries as in flight, and drops what that tab acked', () => {
    const tabA = new Outbox(new GatedStorage('site1', true));
    const tabB = new Outbox(new GatedStorage('site1', true));
    const a = tabA.add('from A');
    tabB.reload(localStorage.getItem(KEY), 1000);
    expect(tabB.has(a.clientId)).toBe(true);
    // Tab A is sending it; tab B resends only if no ack shows up in time.
    expect(tabB.due(1500, 10_000)).toEqual([]);
    expect(tabB.due(11_000, 10_000)).toHaveLength(1);
    tabA.ack(a.clientId);
    tabB.reload(localStorage.getItem(KEY));
    expect(tabB.has(a.clientId)).toBe(false);
  });

  it('drops the conversation of an entry the relay refused for it', () => {
    const outbox = new Outbox(new GatedStorage('site1', true));
    const entry = outbox.add('hello', 'conv-of-someone-else');
    outbox.retarget(entry.clientId);
    expect(outbox.entries[0]?.conversationId).toBeUndefined();
    expect(stored()[0]).not.toHaveProperty('conversationId');
  });

  it('ignores a corrupt stored value', () => {
    localStorage.setItem(KEY, '{not json');
    expect(new Outbox(new GatedStorage('site1', true)).entries).toEqual([]);
    localStorage.setItem(KEY, JSON.stringify([{ clientId: 1 }, { clientId: 'abcdefgh', text: 'ok', at: 1 }]));
    expect(new Outbox(new GatedStorage('site1', true)).entries.map((e) => e.text)).toEqual(['ok']);
  });
});
