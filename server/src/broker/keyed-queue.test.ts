import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.js';

describe('KeyedQueue', () => {
  it('runs tasks of one key in order and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    const order: number[] = [];
    const slow = queue.run('a', async () => {
      await new Promise((r) => setImmediate(r));
      order.push(1);
    });
    const fast = queue.run('a', async () => {
      order.push(2);
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual([1, 2]);
    await new Promise((r) => setImmediate(r));
    expect(queue.size).toBe(0);
  });

  it('keeps going after a task fails', async () => {
    const queue = new KeyedQueue();
    await expect(queue.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('a', async () => 42)).resolves.toBe(42);
  });
});
