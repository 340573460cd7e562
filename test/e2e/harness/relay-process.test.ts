import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type RelayProcess } from './relay-process.js';

let relay: RelayProcess;
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(() => relay?.close());

async function health(origin: string): Promise<unknown> {
  return (await fetch(`${origin}/healthz`)).json();
}

describe('startRelay', () => {
  it('starts the built relay on a free loopback port and parses its listening line', async () => {
    expect(relay.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.output()).toContain(`Parley relay listening on ${relay.origin}`);
    expect(await health(relay.origin)).toEqual({ ok: true, version: '0.1.0' });
  });

  it('kills the relay with SIGKILL and restarts it on the same port and data directory', async () => {
    await relay.kill();
    expect(relay.running()).toBe(false);
    await expect(fetch(`${relay.origin}/healthz`)).rejects.toThrow();
    const port = relay.port;
    await relay.restart();
    expect(relay.port).toBe(port);
    expect(await health(relay.origin)).toEqual({ ok: true, version: '0.1.0' });
  });
});
