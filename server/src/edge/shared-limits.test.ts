import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBusHub, type MemoryBus } from '../bus/memory-bus.js';
import { FailureLimiter } from '../http/failure-limiter.js';
import { ConnectionGate } from './connection-gate.js';
import { KeyedRateLimiter } from './rate-limiter.js';
import { ADDRESS_LIMITS, SharedLimits } from './shared-limits.js';

/** One relay node's limiters, sharing over a bus of `hub`. */
function node(hub: MemoryBusHub, id: string) {
  const bus = hub.connect(id, { heartbeatMs: 30, deadAfterMs: 300 });
  const limiters = {
    gate: new ConnectionGate({ maxConnections: 100, maxConnectionsPerIp: 3, trustProxyHops: 0 }),
    visitorCreations: new KeyedRateLimiter(4),
    loginFailures: new FailureLimiter(3),
  };
  const shared = new SharedLimits(bus, limiters, 10);
  opened.push({ bus, shared });
  return { bus, shared, ...limiters };
}

let opened: { bus: MemoryBus; shared: SharedLimits }[] = [];
afterEach(async () => {
  for (const { bus, shared } of opened) {
    shared.close();
    await bus.close();
  }
  opened = [];
});

/** An upgrade request from `address` and its socket (which records a refusal written to it). */
function upgrade(address: string): { req: IncomingMessage; socket: Duplex & { written: string } } {
  const socket = Object.assign(
    new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        socket.written += String(chunk);
        done();
      },
    }),
    { written: '' },
  );
  return { req: { socket: { remoteAddress: address }, headers: {} } as unknown as IncomingMessage, socket };
}

/** Runs `send` and resolves once another node's counts reached `at`. */
async function arrivalAt(at: { bus: MemoryBus }, send: () => void): Promise<void> {
  let arrived = false;
  const stop = at.bus.onControl(ADDRESS_LIMITS, ({ from }) => void (arrived ||= from !== at.bus.nodeId));
  send();
  await vi.waitFor(() => expect(arrived).toBe(true));
  stop();
}

async function meet(...nodes: { bus: MemoryBus }[]): Promise<void> {
  await vi.waitFor(() => {
    for (const n of nodes) expect(n.bus.nodes()).toHaveLength(nodes.length);
  });
}

describe('per-address limits across relay nodes', () => {
  it('counts one address’s connections on every node against one limit, and frees them when they close', async () => {
    const hub = new MemoryBusHub();
    const a = node(hub, 'a');
    const b = node(hub, 'b');
    await meet(a, b);
    const onA = [upgrade('203.0.113.7'), upgrade('203.0.113.7')];
    for (const { req, socket } of onA) expect(a.gate.admit(req, socket)).toBe(true);
    await arrivalAt(b, () => a.shared.flush());
    const third = upgrade('203.0.113.7');
    expect(b.gate.admit(third.req, third.socket)).toBe(true);
    const refused = upgrade('203.0.113.7');
    expect(b.gate.admit(refused.req, refused.socket)).toBe(false);
    expect(refused.socket.written).toMatch(/^HTTP\/1\.1 429/);
    // Another address is not affected.
    const other = upgrade('198.51.100.1');
    expect(b.gate.admit(other.req, other.socket)).toBe(true);

    // A's two close: B may admit from that address again.
    for (const { socket } of onA) socket.destroy();
    await vi.waitFor(() => {
      const again = upgrade('203.0.113.7');
      expect(b.gate.admit(again.req, again.socket)).toBe(true);
    });
  });

  it('forgets what a node held once it goes down', async () => {
    const hub = new MemoryBusHub();
    const a = node(hub, 'a');
    const b = node(hub, 'b');
    await meet(a, b);
    for (let i = 0; i < 3; i++) {
      const { req, socket } = upgrade('203.0.113.9');
      a.gate.admit(req, socket);
    }
    await arrivalAt(b, () => a.shared.flush());
    const probe = upgrade('203.0.113.9');
    expect(b.gate.admit(probe.req, probe.socket)).toBe(false);
    a.shared.close();
    await a.bus.close();
    const after = upgrade('203.0.113.9');
    await vi.waitFor(() => expect(b.gate.admit(after.req, after.socket)).toBe(true));
  });

  it('takes visitor creations and sign-in failures made on one node off the other’s allowance', async () => {
    const hub = new MemoryBusHub();
    const a = node(hub, 'a');
    const b = node(hub, 'b');
    await meet(a, b);
    const now = Date.now();
    for (let i = 0; i < 3; i++) expect(a.visitorCreations.take('203.0.113.7', now)).toBe(0);
    a.loginFailures.fail('203.0.113.7', now);
    a.loginFailures.fail('203.0.113.7', now);
    a.loginFailures.fail('203.0.113.7', now);
    a.loginFailures.forgive('203.0.113.7', now);
    await arrivalAt(b, () => a.shared.flush());
    // Four per minute in all: three on A leave one for B.
    expect(b.visitorCreations.take('203.0.113.7')).toBe(0);
    expect(b.visitorCreations.take('203.0.113.7')).toBeGreaterThan(0);
    // Three failures a minute in all: two on A (three, one forgiven), one more on B blocks.
    expect(b.loginFailures.blocked('203.0.113.7')).toBe(false);
    b.loginFailures.fail('203.0.113.7');
    expect(b.loginFailures.blocked('203.0.113.7')).toBe(true);
  });
});
