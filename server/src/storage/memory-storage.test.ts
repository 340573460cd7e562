import { describe, expect, it } from 'vitest';
import { MemoryStorage } from './memory-storage.js';
import { describeStorageContract } from './storage.contract.js';

describeStorageContract('MemoryStorage', async () => new MemoryStorage());

describe('MemoryStorage', () => {
  it('keeps meta values by key', async () => {
    const storage = new MemoryStorage();
    expect(await storage.getMeta('installed_at')).toBeNull();
    await storage.setMeta('installed_at', '1000');
    await storage.setMeta('installed_at', '2000');
    expect(await storage.getMeta('installed_at')).toBe('2000');
  });
});
