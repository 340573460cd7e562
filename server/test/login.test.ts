/**
 * Sign-in under attack: guesses in parallel, and what the answer time reveals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareLoginDecoy } from '../src/http/login-api.js';
import { postJson, startTestRelay, type TestRelay } from './relay-harness.js';

async function timed(relay: TestRelay, email: string): Promise<number> {
  const start = performance.now();
  const res = await postJson(relay, '/api/login', { email, password: 'wrong password' });
  expect(res.status).toBe(401);
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('sign-in timing', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ loginFailuresPerMinute: 1000 });
  });
  afterAll(() => relay.stop());

  it('has the decoy hash ready before the first request, so no unknown email costs an extra hash', async () => {
    // Settled promises win a race against a later microtask; a pending scrypt never would.
    const ready = await Promise.race([prepareLoginDecoy().then(() => true), new Promise((resolve) => setImmediate(() => resolve(false)))]);
    expect(ready).toBe(true);
  });

  it('spends a password check on an unknown email as on a wrong password', async () => {
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 9; i++) {
      wrong.push(await timed(relay, 'admin@localhost'));
      unknown.push(await timed(relay, `nobody${i}@example.com`));
    }
    // Without the decoy an unknown email answers in about a millisecond, against tens for scrypt:
    // a factor of 5 leaves room for a loaded machine's noise and still catches the difference.
    expect(median(unknown)).toBeGreaterThan(median(wrong) / 5);
  });
});

describe('sign-in limit', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(() => relay.stop());

  it('holds when the guesses arrive in parallel', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => postJson(relay, '/api/login', { email: 'admin@localhost', password: `guess ${i}` })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
  });
});
