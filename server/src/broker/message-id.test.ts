import { describe, expect, it } from 'vitest';
import { newMessageId } from './message-id.js';

describe('newMessageId', () => {
  it('sorts ids made later after ids made earlier', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((at) => newMessageId(at));
    expect([...ids].sort()).toEqual(ids);
  });

  it('makes distinct ids of 21 URL-safe characters within one millisecond', () => {
    const ids = Array.from({ length: 1_000 }, () => newMessageId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(1_000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });
});
