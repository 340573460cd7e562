/**
 * The one contract every Bus implementation must pass, run with two and three nodes on one bus.
 * Each backend's test file calls `describeBusContract` with a factory for a fresh cluster (a new
 * in-process hub, or a new channel prefix on a real Redis); every test makes its nodes there and
 * the suite closes them.
 */
import type { ServerFrame } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, ControlMessage, Envelope, Json } from './bus.js';
import type { ClusterBus, ClusterBusOptions } from './cluster-bus.js';

/** Several nodes on one bus. */
export interface BusCluster {
  /** A new node, connected (its first connection made). */
  node(nodeId: string, options?: ClusterBusOptions): Promise<ClusterBus>;
  /** Ends the cluster (its nodes are closed by the suite). */
  close(): Promise<void>;
}

/** Generous bounds for waits on a loaded CI machine; they only matter when a test fails. */
export const WAIT_MS = 15_000;
/** Heartbeats in these tests: fast, so meeting and failure detection take little time. */
const FAST: ClusterBusOptions = { heartbeatMs: 50, deadAfterMs: 10_000 };

/** Resolves when `check()` holds, checking after each event `on` reports; rejects after `WAIT_MS`. */
export function when(on: (wake: () => void) => () => void, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, WAIT_MS);
    const stop = on(() => {
      if (!check()) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** Resolves once every bus lists exactly the given nodes. */
export function nodesAre(buses: Bus[], expected: string[]): Promise<void> {
  const sorted = [...expected].sort();
  const same = (): boolean => buses.every((bus) => JSON.stringify(bus.nodes()) === JSON.stringify(sorted));
  return when(
    (wake) => {
      const stops = buses.flatMap((bus) => [bus.onNodeUp(wake), bus.onNodeDown(wake)]);
      return () => stops.forEach((stop) => stop());
    },
    same,
    `nodes ${sorted.join(', ')}`,
  );
}

/** Every frame a bus delivers, as received. */
export function collect(bus: Bus): Envelope[] {
  const got: Envelope[] = [];
  bus.subscribe((envelope) => got.push(envelope));
  return got;
}

/** Resolves once `list` holds `count` items, checking on every envelope `bus` delivers. */
export function received<T>(bus: Bus, list: T[], count: number): Promise<void> {
  return when((wake) => bus.subscribe(wake), () => list.length >= count, `${count} envelopes on ${bus.nodeId}`);
}

/** A frame numbered `n`, to check order. */
export function frame(n: number): ServerFrame {
  return { type: 'presence', agentsOnline: n } satisfies ServerFrame;
}

function numbers(envelopes: Envelope[]): number[] {
  return envelopes.map((envelope) => (envelope.frame as { agentsOnline: number }).agentsOnline);
}

/** The next control message of `kind` on `bus`. */
function nextControl(bus: Bus, kind: string): Promise<ControlMessage> {
  return new Promise((resolve) => {
    const stop = bus.onControl(kind, (message) => {
      stop();
      resolve(message);
    });
  });
}

/** Runs the Bus contract on clusters made by `makeCluster`. */
export function describeBusContract(name: string, makeCluster: () => Promise<BusCluster>): void {
  describe(`${name} (Bus contract)`, () => {
    let cluster: BusCluster;
    let open: ClusterBus[];

    beforeEach(async () => {
      cluster = await makeCluster();
      open = [];
    });

    afterEach(async () => {
      await Promise.all(open.map((bus) => bus.close()));
      await cluster.close();
    });

    async function node(nodeId: string, options: ClusterBusOptions = {}): Promise<ClusterBus> {
      const bus = await cluster.node(nodeId, { ...FAST, ...options });
      open.push(bus);
      return bus;
    }

    /** `count` nodes named a, b, c..., each knowing all the others. */
    async function nodes(count: number, options: ClusterBusOptions = {}): Promise<ClusterBus[]> {
      const buses: ClusterBus[] = [];
      for (let i = 0; i < count; i++) buses.push(await node(String.fromCharCode(97 + i), options));
      await nodesAre(buses, buses.map((bus) => bus.nodeId));
      return buses;
    }

    describe('envelopes', () => {
      it('reach every node, the publisher at once, with topics, except and the frame', async () => {
        const [a, b, c] = await nodes(3);
        const [atA, atB, atC] = [collect(a!), collect(b!), collect(c!)];
        a!.publish({ topics: ['conversation:1', 'admins'], frame: frame(7), except: 'conn-1' });
        expect(atA).toHaveLength(1);
        await Promise.all([received(b!, atB, 1), received(c!, atC, 1)]);
        for (const envelope of [atA[0]!, atB[0]!, atC[0]!]) {
          expect(envelope.topics).toEqual(['conversation:1', 'admins']);
          expect(envelope.except).toBe('conn-1');
          expect(envelope.frame).toEqual(frame(7));
        }
      });

      it('carry the frame text the publisher made, so receivers need not serialise it again', async () => {
        const [a, b] = await nodes(2);
        const atB = collect(b!);
        a!.publish({ topics: ['admins'], frame: frame(1) });
        await received(b!, atB, 1);
        expect(atB[0]!.frameJson).toBe(JSON.stringify(frame(1)));
        expect(atB[0]!.except).toBeUndefined();
        expect(atB[0]!.paced).toBeUndefined();
      });

      it('carry the paced mark to every node', async () => {
        const [a, b] = await nodes(2);
        const [atA, atB] = [collect(a!), collect(b!)];
        a!.publish({ topics: ['admins'], frame: frame(2), paced: true });
        await received(b!, atB, 1);
        expect([atA[0]!.paced, atB[0]!.paced]).toEqual([true, true]);
      });

      it('arrive in publish order per publisher at every node', async () => {
        const [a, b, c] = await nodes(3);
        const lists = [a!, b!, c!].map((bus) => ({ bus, got: collect(bus) }));
        for (let n = 0; n < 200; n++) {
          a!.publish({ topics: ['admins'], frame: frame(n) });
          b!.publish({ topics: ['site:b'], frame: frame(1000 + n) });
        }
        await Promise.all(lists.map(({ bus, got }) => received(bus, got, 400)));
        for (const { got } of lists) {
          const all = numbers(got);
          expect(all.filter((n) => n < 1000)).toEqual([...Array(200).keys()]);
          expect(all.filter((n) => n >= 1000)).toEqual([...Array(200).keys()].map((n) => 1000 + n));
        }
      });

      it('stop reaching a handler once unsubscribed, and a failing handler does not stop the others', async () => {
        const [a, b] = await nodes(2);
        const gone: Envelope[] = [];
        const unsubscribe = b!.subscribe((envelope) => gone.push(envelope));
        b!.subscribe(() => {
          throw new Error('handler failure');
        });
        const atB = collect(b!);
        a!.publish({ topics: ['admins'], frame: frame(1) });
        await received(b!, atB, 1);
        unsubscribe();
        a!.publish({ topics: ['admins'], frame: frame(2) });
        await received(b!, atB, 2);
        expect(numbers(gone)).toEqual([1]);
        expect(numbers(atB)).toEqual([1, 2]);
      });
    });

    describe('membership', () => {
      it('lists every live node, this one included, once they met', async () => {
        const [a, b, c] = await nodes(3);
        expect(a!.nodes()).toEqual(['a', 'b', 'c']);
        expect(b!.nodes()).toEqual(['a', 'b', 'c']);
        expect(c!.nodes()).toEqual(['a', 'b', 'c']);
      });

      it('learns of a joining node at once, without waiting for a heartbeat', async () => {
        // Heartbeats every minute: only the join handshake can make them meet in time.
        const slow = { heartbeatMs: 60_000 };
        const a = await node('a', slow);
        const b = await node('b', slow);
        await nodesAre([a, b], ['a', 'b']);
      });

      it('reports a node that says goodbye as down at once', async () => {
        const [a, b, c] = await nodes(3, { deadAfterMs: 600_000 });
        const downAtA: string[] = [];
        a!.onNodeDown((id) => downAtA.push(id));
        await c!.close();
        await nodesAre([a!, b!], ['a', 'b']);
        expect(downAtA).toEqual(['c']);
      });

      it('reports a node that stops heartbeating without a goodbye as down', async () => {
        const [a, b, c] = await nodes(3, { deadAfterMs: 1_000 });
        const downAtA: string[] = [];
        a!.onNodeDown((id) => downAtA.push(id));
        await c!.abandon();
        await when((wake) => a!.onNodeDown(wake), () => downAtA.includes('c'), 'c down at a');
        await nodesAre([a!, b!], ['a', 'b']);
      });

      it('declares nobody down after its own event loop stalled past the dead-after period', async () => {
        const [a, b] = await nodes(2, { deadAfterMs: 1_000 });
        b!.respond('ping', () => 'pong');
        const downs: string[] = [];
        for (const bus of [a!, b!]) bus.onNodeDown((id) => downs.push(`${id} at ${bus.nodeId}`));
        // A stall, as a long synchronous task or a GC pause would make: no timer, no I/O meanwhile.
        const until = Date.now() + 2_000;
        while (Date.now() < until);
        // Yield to the timers phase: the heartbeat timers due during the stall run before this one.
        await new Promise((resolve) => setTimeout(resolve, 0));
        // A round trip after the stall: by then each node has read what queued up meanwhile.
        expect((await a!.request('ping', null, { to: 'b', timeoutMs: WAIT_MS })).replies).toEqual([{ from: 'b', ok: true, body: 'pong' }]);
        await nodesAre([a!, b!], ['a', 'b']);
        expect(downs).toEqual([]);
        // Nor did it take its own connection for dead.
        expect([a!.stats().reconnects, b!.stats().reconnects]).toEqual([0, 0]);
      });

      it('reports a node restarted under the same id as down, then up again', async () => {
        const [a, b] = await nodes(2, { deadAfterMs: 600_000 });
        const events: string[] = [];
        a!.onNodeDown((id) => events.push(`down ${id}`));
        a!.onNodeUp((id) => events.push(`up ${id}`));
        await b!.abandon();
        const again = await node('b', { deadAfterMs: 600_000 });
        await when((wake) => a!.onNodeUp(wake), () => events.includes('up b'), 'b up again at a');
        expect(events).toEqual(['down b', 'up b']);
        await nodesAre([a!, again], ['a', 'b']);
      });
    });

    describe('control messages', () => {
      it('reach every node, the sender at once, when broadcast', async () => {
        const [a, b, c] = await nodes(3);
        const atA: ControlMessage[] = [];
        a!.onControl('cache.drop', (message) => atA.push(message));
        const atB = nextControl(b!, 'cache.drop');
        const atC = nextControl(c!, 'cache.drop');
        a!.send('cache.drop', { conversationId: 'x' });
        expect(atA).toEqual([{ kind: 'cache.drop', from: 'a', body: { conversationId: 'x' } }]);
        expect(await atB).toEqual({ kind: 'cache.drop', from: 'a', body: { conversationId: 'x' } });
        expect(await atC).toEqual({ kind: 'cache.drop', from: 'a', body: { conversationId: 'x' } });
      });

      it('reach only the node they are addressed to', async () => {
        const [a, b, c] = await nodes(3);
        const got: string[] = [];
        for (const bus of [a!, b!, c!]) bus.onControl('note', (message) => got.push(`${bus.nodeId}:${String(message.body)}`));
        a!.send('note', 'for c', 'c');
        a!.send('note', 'for a', 'a');
        // A broadcast after them: once it reached b and c, what a sent them before has too.
        const after = [nextControl(b!, 'end'), nextControl(c!, 'end')];
        a!.send('end', null);
        await Promise.all(after);
        expect(got.sort()).toEqual(['a:for a', 'c:for c']);
      });

      it('go to the handlers of their kind, each in order with the envelopes of the sender', async () => {
        const [a, b] = await nodes(2);
        const seen: string[] = [];
        b!.subscribe((envelope) => seen.push(`frame ${numbers([envelope])[0]}`));
        b!.onControl('one', (message) => seen.push(`one ${String(message.body)}`));
        const stop = b!.onControl('two', (message) => seen.push(`two ${String(message.body)}`));
        stop();
        a!.publish({ topics: ['admins'], frame: frame(1) });
        a!.send('one', 1);
        a!.send('two', 2);
        a!.publish({ topics: ['admins'], frame: frame(3) });
        a!.send('one', 4);
        await when((wake) => b!.onControl('one', wake), () => seen.includes('one 4'), 'the last message');
        expect(seen).toEqual(['frame 1', 'one 1', 'frame 3', 'one 4']);
      });
    });

    describe('JSON', () => {
      it('gives a node its own control message as JSON, as every other node gets it', async () => {
        const [a, b] = await nodes(2);
        const body = { when: new Date(0), gone: undefined, list: [1] } as unknown as Json;
        const atA: Json[] = [];
        a!.onControl('x', (message) => atA.push(message.body));
        const atB = nextControl(b!, 'x');
        a!.send('x', body);
        const expected = { when: '1970-01-01T00:00:00.000Z', list: [1] };
        expect(atA).toEqual([expected]);
        expect(atA[0]).not.toBe(body);
        expect((await atB).body).toEqual(expected);
      });

      it('turns replies into JSON, and a reply that cannot be JSON into an error', async () => {
        const [a, b] = await nodes(2);
        for (const bus of [a!, b!]) {
          bus.respond('date', () => new Date(0) as unknown as Json);
          bus.respond('bigint', () => BigInt(1) as unknown as Json);
        }
        const dates = await a!.request('date', null, { timeoutMs: 60_000 });
        expect(dates.replies.map((reply) => (reply.ok ? reply.body : reply.error))).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']);
        const bigints = await a!.request('bigint', null, { timeoutMs: 60_000 });
        expect(bigints.missing).toEqual([]);
        expect(bigints.replies.map((reply) => reply.ok)).toEqual([false, false]);
      });
    });

    describe('request/reply', () => {
      it('asks one node and resolves with its reply', async () => {
        const [a, b] = await nodes(2);
        b!.respond<{ n: number }, { doubled: number; from: string }>('double', (body, from) => ({ doubled: body.n * 2, from }));
        const result = await a!.request('double', { n: 21 }, { to: 'b', timeoutMs: WAIT_MS });
        expect(result).toEqual({ replies: [{ from: 'b', ok: true, body: { doubled: 42, from: 'a' } }], missing: [] });
      });

      it('asks every live node, this one included, and resolves once all answered', async () => {
        const [a, b, c] = await nodes(3);
        for (const bus of [a!, b!, c!]) bus.respond('who', async () => bus.nodeId);
        const started = Date.now();
        const result = await a!.request('who', null, { timeoutMs: 60_000 });
        expect(Date.now() - started).toBeLessThan(WAIT_MS);
        expect(result.missing).toEqual([]);
        expect(result.replies.map((reply) => reply.from).sort()).toEqual(['a', 'b', 'c']);
        expect(result.replies.map((reply) => (reply.ok ? reply.body : reply.error)).sort()).toEqual(['a', 'b', 'c']);
      });

      it('names the nodes that did not answer in time', async () => {
        const [a, b, c] = await nodes(3);
        a!.respond('slow', () => 'a');
        b!.respond('slow', () => 'b');
        c!.respond('slow', () => new Promise<Json>(() => undefined));
        const result = await a!.request('slow', null, { timeoutMs: 2_000 });
        expect(result.missing).toEqual(['c']);
        expect(result.replies.map((reply) => reply.from).sort()).toEqual(['a', 'b']);
      });

      it('answers with an error when the node has no responder or the responder throws', async () => {
        const [a] = await nodes(2);
        a!.respond('fails', () => {
          throw new Error('no such call');
        });
        const result = await a!.request('fails', null, { timeoutMs: 60_000 });
        const errors = Object.fromEntries(result.replies.map((reply) => [reply.from, reply.ok ? 'ok' : reply.error]));
        expect(errors).toEqual({ a: 'no such call', b: 'no responder for "fails" on node b' });
        expect(result.missing).toEqual([]);
      });

      it('stops waiting for a node that goes down meanwhile', async () => {
        const [a, b] = await nodes(2);
        b!.respond('never', () => new Promise<Json>(() => undefined));
        const pending = a!.request('never', null, { to: 'b', timeoutMs: 600_000 });
        await b!.close();
        expect(await pending).toEqual({ replies: [], missing: ['b'] });
      });

      it('names an unknown node as missing after the timeout', async () => {
        const [a] = await nodes(1);
        expect(await a!.request('anything', null, { to: 'nobody', timeoutMs: 200 })).toEqual({ replies: [], missing: ['nobody'] });
      });

      it('refuses a second responder for the same kind, and takes one again once removed', async () => {
        const [a] = await nodes(1);
        const remove = a!.respond('kind', () => 1);
        expect(() => a!.respond('kind', () => 2)).toThrow(/already registered/);
        remove();
        a!.respond('kind', () => 3);
        expect((await a!.request('kind', null, { to: 'a' })).replies).toEqual([{ from: 'a', ok: true, body: 3 }]);
      });
    });

    describe('close', () => {
      it('resolves waiting requests, then ignores every call without throwing', async () => {
        const [a, b] = await nodes(2);
        b!.respond('never', () => new Promise<Json>(() => undefined));
        const pending = a!.request('never', null, { to: 'b', timeoutMs: 600_000 });
        const atA = collect(a!);
        await a!.close();
        expect(await pending).toEqual({ replies: [], missing: ['b'] });
        a!.publish({ topics: ['admins'], frame: frame(1) });
        a!.send('anything', null);
        expect(atA).toEqual([]);
        expect(a!.nodes()).toEqual([]);
        expect(a!.isUp()).toBe(false);
        expect(await a!.request('anything', null, { to: 'b' })).toEqual({ replies: [], missing: ['b'] });
        await a!.close();
      });

    });

    describe('connection', () => {
      it('is up once connected and counts no drops', async () => {
        const [a, b] = await nodes(2);
        a!.publish({ topics: ['admins'], frame: frame(1) });
        expect(a!.isUp()).toBe(true);
        expect(b!.stats()).toMatchObject({ dropped: 0, reconnects: 0 });
        expect(a!.stats()).toMatchObject({ dropped: 0, reconnects: 0 });
      });
    });
  });
}
