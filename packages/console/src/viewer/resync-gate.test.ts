import { describe, expect, it } from 'vitest';
import { RESYNC_MIN_MS, RESYNC_RETRY_MS, ResyncGate } from './resync-gate.js';

describe('ResyncGate', () => {
  it('asks at once after a gap, then not again within a second', () => {
    const gate = new ResyncGate(0);
    expect(gate.shouldAsk(10, true)).toBe(true);
    expect(gate.shouldAsk(10 + RESYNC_MIN_MS - 1, true)).toBe(false);
    expect(gate.shouldAsk(10 + RESYNC_MIN_MS, true)).toBe(true);
  });

  it('waits for the answer to the last request before asking again for dropped data', () => {
    const gate = new ResyncGate(0);
    expect(gate.shouldAsk(RESYNC_RETRY_MS - RESYNC_MIN_MS - 1, false)).toBe(false);
    expect(gate.shouldAsk(RESYNC_RETRY_MS - RESYNC_MIN_MS, false)).toBe(true);
    expect(gate.shouldAsk(RESYNC_RETRY_MS, false)).toBe(false);
  });
});
