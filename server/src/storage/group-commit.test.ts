import { describe, expect, it } from 'vitest';
import { GroupCommit, type Settled } from './group-commit.js';

/** A GroupCommit that doubles numbers, refuses negatives, and records each batch it ran. */
function doubler(options: { failBatch?: boolean } = {}) {
  const batches: number[][] = [];
  const group = new GroupCommit<number, number>((inputs): Settled<number>[] => {
    batches.push(inputs);
    if (options.failBatch) throw new Error('commit failed');
    return inputs.map((n) => (n < 0 ? { ok: false, error: new Error(`refused ${n}`) } : { ok: true, value: n * 2 }));
  });
  return { group, batches };
}

describe('GroupCommit', () => {
  it('commits writes submitted in the same turn as one batch, in order', async () => {
    const { group, batches } = doubler();
    const results = await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('settles each write with its own outcome', async () => {
    const { group } = doubler();
    const results = await Promise.allSettled([group.submit(1), group.submit(-1), group.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: new Error('refused -1') });
  });

  it('rejects every write of a batch whose commit fails', async () => {
    const { group } = doubler({ failBatch: true });
    const results = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('commits queued writes at once when flushed', async () => {
    const { group, batches } = doubler();
    const pending = group.submit(5);
    group.flush();
    expect(batches).toEqual([[5]]);
    expect(await pending).toBe(10);
  });

  it('splits a very large turn into bounded batches', async () => {
    const { group, batches } = doubler();
    const inputs = Array.from({ length: 1200 }, (_, i) => i);
    expect(await Promise.all(inputs.map((n) => group.submit(n)))).toEqual(inputs.map((n) => n * 2));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(inputs);
  });

  it('does not start a batch inside a running batch', async () => {
    const batches: number[][] = [];
    const group: GroupCommit<number, number> = new GroupCommit((inputs) => {
      batches.push(inputs);
      group.flush();
      return inputs.map((n) => ({ ok: true, value: n }));
    });
    await Promise.all(Array.from({ length: 600 }, (_, i) => group.submit(i)));
    expect(batches.map((b) => b.length)).toEqual([512, 88]);
  });
});
