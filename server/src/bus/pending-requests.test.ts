import { describe, expect, it } from 'vitest';
import { PendingRequests } from './pending-requests.js';

describe('PendingRequests', () => {
  it('resolves once every node asked answered, with the replies in arrival order', async () => {
    const pending = new PendingRequests();
    const result = pending.open('r1', ['a', 'b'], [], 60_000);
    pending.reply('r1', 'b', { body: 2 });
    pending.reply('r1', 'b', { body: 'twice' });
    pending.reply('r1', 'a', { error: 'failed' });
    expect(await result).toEqual({
      replies: [
        { from: 'b', ok: true, body: 2 },
        { from: 'a', ok: false, error: 'failed' },
      ],
      missing: [],
    });
  });

  it('lists the unreachable, the gone and the silent as missing', async () => {
    const pending = new PendingRequests();
    const result = pending.open('r1', ['a', 'b', 'c'], ['d'], 50);
    pending.reply('r1', 'a', { body: null });
    pending.nodeDown('b');
    expect(await result).toEqual({ replies: [{ from: 'a', ok: true, body: null }], missing: ['b', 'c', 'd'] });
  });

  it('resolves at once when nobody can be asked, and on finishAll', async () => {
    const pending = new PendingRequests();
    expect(await pending.open('r1', [], ['x'], 60_000)).toEqual({ replies: [], missing: ['x'] });
    const waiting = pending.open('r2', ['a'], [], 60_000);
    pending.finishAll();
    expect(await waiting).toEqual({ replies: [], missing: ['a'] });
    // A late reply to a finished request changes nothing.
    pending.reply('r2', 'a', { body: 1 });
  });

  it('counts a reply from a node declared down a moment before as an answer', async () => {
    const pending = new PendingRequests();
    const result = pending.open('r1', ['a', 'b'], [], 60_000);
    pending.nodeDown('a');
    pending.reply('r1', 'a', { body: 'late but here' });
    pending.reply('r1', 'b', { body: 'b' });
    expect(await result).toEqual({
      replies: [
        { from: 'a', ok: true, body: 'late but here' },
        { from: 'b', ok: true, body: 'b' },
      ],
      missing: [],
    });
  });
});
