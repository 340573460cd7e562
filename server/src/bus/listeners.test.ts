import { describe, expect, it } from 'vitest';
import { Listeners } from './listeners.js';

describe('Listeners', () => {
  it('calls every handler, reports a throw and a rejection, and still calls the others', async () => {
    const listeners = new Listeners<[number]>();
    const calls: string[] = [];
    const failures: string[] = [];
    listeners.add(() => {
      throw new Error('sync');
    });
    listeners.add(async () => {
      throw new Error('async');
    });
    listeners.add((n) => void calls.push(`got ${n}`));
    listeners.emit([7], (error) => failures.push((error as Error).message));
    expect(calls).toEqual(['got 7']);
    await new Promise(setImmediate);
    expect(failures.sort()).toEqual(['async', 'sync']);
  });

  it('lets a handler remove itself while the event is handled', () => {
    const listeners = new Listeners<[]>();
    const calls: string[] = [];
    const remove = listeners.add(() => {
      calls.push('once');
      remove();
    });
    listeners.add(() => void calls.push('always'));
    listeners.emit([], () => undefined);
    listeners.emit([], () => undefined);
    expect(calls).toEqual(['once', 'always', 'always']);
    expect(listeners.empty).toBe(false);
    listeners.clear();
    expect(listeners.empty).toBe(true);
  });
});
