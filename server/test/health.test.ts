import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { startTestRelay, type TestRelay } from './relay-harness.js';

/** The in-process bus whose `isUp()` is a switch. */
class SwitchedBus extends MemoryBus {
  up = true;
  override isUp(): boolean {
    return this.up;
  }
}

async function readyz(relay: TestRelay): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${relay.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('/healthz and /readyz', () => {
  let relay: TestRelay | null = null;
  afterEach(async () => {
    await relay?.stop();
    relay = null;
  });

  it('is ready when the store and the bus answer', async () => {
    relay = await startTestRelay();
    expect(await readyz(relay)).toEqual({ status: 200, body: { ok: true, draining: false, checks: { storage: 'ok', bus: 'ok' } } });
    const head = await fetch(`${relay.url}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers 503 naming the store when it cannot be read, while /healthz stays 200', async () => {
    const errors: string[] = [];
    relay = await startTestRelay({ log: { info: () => undefined, error: (message) => void errors.push(message) } });
    await relay.storage.close();
    expect(await readyz(relay)).toEqual({
      status: 503,
      body: { ok: false, draining: false, failed: ['storage'], checks: { storage: 'failed', bus: 'ok' } },
    });
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    // Logged once when it starts failing, not at every probe.
    await readyz(relay);
    expect(errors.filter((m) => m === 'readiness check failed')).toHaveLength(1);
  });

  it('bounds a check that hangs: a store that never answers is a timeout', async () => {
    relay = await startTestRelay();
    const { storage } = relay;
    const getSite = storage.getSite.bind(storage);
    storage.getSite = () => new Promise(() => undefined);
    expect(await readyz(relay)).toMatchObject({ status: 503, body: { failed: ['storage'], checks: { storage: 'timeout', bus: 'ok' } } });
    storage.getSite = getSite;
    expect((await readyz(relay)).status).toBe(200);
  });

  it('plugs in a bus that reports whether it is up', async () => {
    const bus = new SwitchedBus();
    const lines: { message: string; data?: Record<string, unknown> }[] = [];
    const record = (message: string, data?: Record<string, unknown>): void => void lines.push({ message, data });
    relay = await startTestRelay({ bus, log: { info: record, error: record } });
    bus.up = false;
    expect(await readyz(relay)).toMatchObject({ status: 503, body: { failed: ['bus'], checks: { storage: 'ok', bus: 'failed' } } });
    bus.up = true;
    expect((await readyz(relay)).status).toBe(200);
    expect(lines.map((l) => l.message).filter((m) => m.startsWith('readiness'))).toEqual(['readiness check failed', 'readiness check passes again']);
    expect(lines.find((l) => l.message === 'readiness check failed')!.data).toMatchObject({ check: 'bus' });
  });
});
