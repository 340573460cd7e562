import { beforeEach, describe, expect, it } from 'vitest';
import { GatedStorage } from './gated-storage.js';

describe('GatedStorage', () => {
  beforeEach(() => localStorage.clear());

  it('names keys parley:<siteKey>:<slot>', () => {
    expect(new GatedStorage('demo', false).key('token')).toBe('parley:demo:token');
  });

  it('keeps writes in memory until allowed', () => {
    const storage = new GatedStorage('demo', false);
    storage.write('token', 't1');
    expect(localStorage.length).toBe(0);
    expect(storage.read('token')).toBe('t1');
  });

  it('flushes held values when allowed, and writes through afterwards', () => {
    const storage = new GatedStorage('demo', false);
    storage.write('token', 't1');
    storage.write('state', null);
    storage.allow();
    expect(localStorage.getItem('parley:demo:token')).toBe('t1');
    expect(localStorage.getItem('parley:demo:state')).toBeNull();
    storage.write('state', '{}');
    expect(localStorage.getItem('parley:demo:state')).toBe('{}');
  });

  it('reads what is stored even before writes are allowed', () => {
    localStorage.setItem('parley:demo:token', 'stored');
    expect(new GatedStorage('demo', false).read('token')).toBe('stored');
  });

  it('hears changes another tab makes to its slots only', () => {
    const storage = new GatedStorage('demo', true);
    const heard: [string, string | null][] = [];
    storage.watch((slot, value) => heard.push([slot, value]));
    dispatchEvent(new StorageEvent('storage', { key: 'parley:demo:token', newValue: 'other' }));
    dispatchEvent(new StorageEvent('storage', { key: 'parley:other-site:token', newValue: 'x' }));
    dispatchEvent(new StorageEvent('storage', { key: 'unrelated', newValue: 'x' }));
    storage.unwatch();
    dispatchEvent(new StorageEvent('storage', { key: 'parley:demo:outbox', newValue: '[]' }));
    expect(heard).toEqual([['token', 'other']]);
  });

  it('clears every slot of its site', () => {
    localStorage.setItem('parley:demo:token', 't');
    localStorage.setItem('parley:demo:outbox', '[]');
    localStorage.setItem('keep', '1');
    new GatedStorage('demo', true).clear();
    expect(Object.keys(localStorage)).toEqual(['keep']);
  });
});
