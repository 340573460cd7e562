import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from './bus.js';
import { collect, describeBusContract, frame, nodesAre, received } from './bus.contract.js';
import { MemoryBus, MemoryBusHub } from './memory-bus.js';

describeBusContract('MemoryBusHub', async () => {
  const hub = new MemoryBusHub();
  return { node: async (nodeId, options) => hub.connect(nodeId, options), close: async () => undefined };
});

describe('MemoryBus alone', () => {
  it('delivers synchronously to its subscribers, as the single node of a relay', () => {
    const bus = new MemoryBus();
    const got = collect(bus);
    const envelope: Envelope = { topics: ['admins'], frame: frame(1) };
    bus.publish(envelope);
    expect(got).toEqual([envelope]);
    expect(bus.nodes()).toEqual([bus.nodeId]);
    expect(bus.isUp()).toBe(true);
  });

  it('hands its own envelopes over as they are, without serialising the frame', () => {
    const bus = new MemoryBus();
    const got = collect(bus);
    const envelope: Envelope = { topics: ['admins'], frame: frame(1) };
    bus.publish(envelope);
    expect(got[0]).toBe(envelope);
    expect(got[0]!.frameJson).toBeUndefined();
  });

  it('answers a request to every node from itself', async () => {
    const bus = new MemoryBus({ nodeId: 'solo' });
    bus.respond('who', () => 'me');
    expect(await bus.request('who', null)).toEqual({ replies: [{ from: 'solo', ok: true, body: 'me' }], missing: [] });
  });

  it('is alone unless another node shares its hub', async () => {
    const single = new MemoryBus();
    expect(single.alone()).toBe(true);
    await single.close();
    const hub = new MemoryBusHub();
    const a = hub.connect('a');
    expect(a.alone()).toBe(true);
    const b = hub.connect('b');
    expect([a.alone(), b.alone()]).toEqual([false, false]);
    await Promise.all([a.close(), b.close()]);
  });

  it('gets a random node id unless given one', () => {
    const first = new MemoryBus();
    const second = new MemoryBus();
    expect(first.nodeId).not.toBe(second.nodeId);
    expect(new MemoryBus({ nodeId: 'node-7' }).nodeId).toBe('node-7');
  });
});

describe('MemoryBusHub', () => {
  const open: MemoryBus[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  function connect(hub: MemoryBusHub, nodeId: string, options = {}): MemoryBus {
    const bus = hub.connect(nodeId, { heartbeatMs: 50, ...options });
    open.push(bus);
    return bus;
  }

  it('delivers to other nodes after the publishing call returns, as a network would', async () => {
    const hub = new MemoryBusHub();
    const a = connect(hub, 'a');
    const b = connect(hub, 'b');
    const atB = collect(b);
    a.publish({ topics: ['admins'], frame: frame(1) });
    expect(atB).toEqual([]);
    await received(b, atB, 1);
    expect(atB[0]!.frame).toEqual(frame(1));
  });

  it('reports to the relay’s metrics the lag of envelopes from other nodes (not its own) and each reconnect', async () => {
    const hub = new MemoryBusHub();
    const a = connect(hub, 'a');
    const b = connect(hub, 'b');
    const lags: number[] = [];
    let reconnects = 0;
    b.attachMeter({ lag: (seconds) => void lags.push(seconds), reconnected: () => void reconnects++ });
    const atB = collect(b);
    a.publish({ topics: ['admins'], frame: frame(1) });
    b.publish({ topics: ['admins'], frame: frame(2) });
    await received(b, atB, 2);
    expect(lags).toHaveLength(1);
    expect(lags[0]).toBeGreaterThanOrEqual(0);
    expect(lags[0]).toBeLessThan(5);
    hub.down();
    hub.up();
    expect(reconnects).toBe(1);
  });

  it('while down: requests stop waiting for other nodes, publishing does not throw, reaches this node only and counts the drops; after: reconnect handlers run and delivery resumes', async () => {
    const hub = new MemoryBusHub();
    const a = connect(hub, 'a');
    const b = connect(hub, 'b');
    await nodesAre([a, b], ['a', 'b']);
    const [atA, atB] = [collect(a), collect(b)];
    let reconnected = 0;
    a.onReconnect(() => void reconnected++);

    b.respond('never', () => new Promise<null>(() => undefined));
    const waiting = a.request('never', null, { to: 'b', timeoutMs: 600_000 });
    hub.down();
    expect(await waiting).toEqual({ replies: [], missing: ['b'] });
    expect(a.isUp()).toBe(false);
    a.publish({ topics: ['admins'], frame: frame(1) });
    a.send('note', null);
    expect(numbers(atA)).toEqual([1]);
    expect(a.stats().dropped).toBe(2);

    hub.up();
    expect(a.isUp()).toBe(true);
    expect(reconnected).toBe(1);
    expect(a.stats()).toMatchObject({ reconnects: 1, lagMs: null });
    a.publish({ topics: ['admins'], frame: frame(2) });
    await received(b, atB, 1);
    expect(numbers(atB)).toEqual([2]);
  });

  it('declares nobody down while cut off, however long, and gives everyone a full period after', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    const hub = new MemoryBusHub();
    const a = connect(hub, 'a', { heartbeatMs: 100, deadAfterMs: 1_000 });
    const b = connect(hub, 'b', { heartbeatMs: 100, deadAfterMs: 1_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(a.nodes()).toEqual(['a', 'b']);
    const down: string[] = [];
    a.onNodeDown((id) => down.push(id));

    hub.down();
    await vi.advanceTimersByTimeAsync(10_000);
    // a is back first; b, still cut off, gets a full period from then to return.
    hub.up('a');
    await vi.advanceTimersByTimeAsync(800);
    expect(down).toEqual([]);
    hub.up('b');
    await vi.advanceTimersByTimeAsync(200);
    expect(down).toEqual([]);
    expect(a.nodes()).toEqual(['a', 'b']);

    // b vanishes for real: a notices within its dead-after period.
    await b.abandon();
    await vi.advanceTimersByTimeAsync(1_200);
    expect(down).toEqual(['b']);
  });

  it('notices a node that stops heartbeating only after the dead-after period', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    const hub = new MemoryBusHub();
    const a = connect(hub, 'a', { heartbeatMs: 100, deadAfterMs: 1_000 });
    const b = connect(hub, 'b', { heartbeatMs: 100, deadAfterMs: 1_000 });
    await vi.advanceTimersByTimeAsync(0);
    const down: string[] = [];
    a.onNodeDown((id) => down.push(id));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(down).toEqual([]);
    await b.abandon();
    await vi.advanceTimersByTimeAsync(800);
    expect(down).toEqual([]);
    await vi.advanceTimersByTimeAsync(400);
    expect(down).toEqual(['b']);
  });

  it('starts a node joining while the hub is down as down, and up with the hub', async () => {
    const hub = new MemoryBusHub();
    const a = connect(hub, 'a');
    hub.down();
    const b = connect(hub, 'b');
    expect(b.isUp()).toBe(false);
    hub.up();
    expect(b.isUp()).toBe(true);
    await nodesAre([a, b], ['a', 'b']);
    // Its first connection is no reconnect.
    expect(b.stats().reconnects).toBe(0);
  });

  it('logs a failing reconnect handler and still runs the others', async () => {
    const errors: string[] = [];
    const log = { info: () => undefined, error: (message: string) => void errors.push(message) };
    const hub = new MemoryBusHub();
    const a = connect(hub, 'a', { log });
    let ran = false;
    a.onReconnect(async () => {
      throw new Error('catch-up failed');
    });
    a.onReconnect(() => void (ran = true));
    hub.down();
    hub.up();
    expect(ran).toBe(true);
    // The failed promise settles in a microtask: let them all run.
    await new Promise(setImmediate);
    expect(errors).toContain('bus reconnect handler failed');
  });
});

function numbers(envelopes: Envelope[]): number[] {
  return envelopes.map((envelope) => (envelope.frame as { agentsOnline: number }).agentsOnline);
}
