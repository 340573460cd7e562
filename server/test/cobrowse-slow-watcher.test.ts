/**
 * A watching agent that stops reading, against a real relay: its TCP socket is paused while the
 * sharing tab streams page data and a second agent keeps reading. The relay must neither cut
 * the slow agent nor grow its buffers; it skips it, and once it drains sends it the checkpoint
 * again. The relay's queue for a connection is read by wrapping the transport's `sendText` and
 * `uncork`: the originals run unchanged, the wrappers only measure.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame, ServerFrame } from '@parley/protocol';
import { SNAPSHOT_INTERVAL_MS } from '../src/broker/cobrowse/sharing.js';
import { Connection } from '../src/transport/connection.js';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

/** Low, so a paused agent falls behind after a few MB (it applies to every connection). */
const MAX_BUFFERED = 512 * 1024;
/** About what rrweb batches weigh when a page changes a lot; under the 64 KiB frame limit. */
const BATCH_CHARS = 48 * 1024;
/** Batches the source may have ahead of the reading agent (a real tab is paced by its budget). */
const WINDOW = 8;
/** Batches the relay must have skipped for the paused agent before it reads again. */
const SKIPPED = 24;
/** Gives up well before the test timeout if the paused agent is never skipped (about 24 MB). */
const MAX_BATCHES = 500;
/** Batches streamed once the paused agent reads again. */
const AFTER = 4;
const STREAM = 'stream-slow-0001';
/** Largest `cobrowse.events` frame the relay writes for one batch (the batch and its envelope). */
const FRAME_BYTES = BATCH_CHARS + 256;
/** The `t` of the ping that tells which relay connection serves the paused agent. */
const TAG = 777_001;

/** What the relay queued for one connection, as its transport sees it. */
interface Queue {
  /** Most bytes queued at once (this turn's held writes included). */
  max: number;
  /** `cobrowse.events` frames handed to the connection. */
  events: number;
}

/** Measures every connection's queue after each send and each end-of-turn write. */
class QueueMeter {
  readonly queues = new Map<Connection, Queue>();
  /** The connection the tagged pong was written to. */
  tagged: Connection | null = null;
  private readonly sendText = Connection.prototype.sendText;
  private readonly uncork = Connection.prototype.uncork;

  install(): void {
    const meter = this;
    const { sendText, uncork } = this;
    Connection.prototype.sendText = function sendTextMeasured(this: Connection, text: string): void {
      sendText.call(this, text);
      if (text.startsWith('{"type":"cobrowse.events"')) meter.of(this).events++;
      else if (text === JSON.stringify({ type: 'pong', t: TAG } satisfies ServerFrame)) meter.tagged = this;
      meter.note(this);
    };
    Connection.prototype.uncork = function uncorkMeasured(this: Connection): void {
      uncork.call(this);
      meter.note(this);
    };
  }

  restore(): void {
    Connection.prototype.sendText = this.sendText;
    Connection.prototype.uncork = this.uncork;
  }

  of(connection: Connection): Queue {
    let queue = this.queues.get(connection);
    if (queue === undefined) this.queues.set(connection, (queue = { max: 0, events: 0 }));
    return queue;
  }

  private note(connection: Connection): void {
    const queue = this.of(connection);
    queue.max = Math.max(queue.max, connection.bufferedAmount);
  }
}

function batch(conversationId: string, seq: number): CobrowseEventsFrame {
  const head = `[{"type":3,"timestamp":${1_700_000_000_000 + seq},"data":{"source":0,"seq":${seq},"pad":"`;
  const data = `${head}${'x'.repeat(BATCH_CHARS - head.length - 4)}"}}]`;
  return seq === 0
    ? { type: 'cobrowse.events', conversationId, stream: STREAM, seq, full: true, part: 0, parts: 1, data }
    : { type: 'cobrowse.events', conversationId, stream: STREAM, seq, data };
}

function eventsOf(client: TestClient): CobrowseEventsFrame[] {
  return client.frames.filter((f): f is CobrowseEventsFrame => f.type === 'cobrowse.events');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function socketOf(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

describe('co-browse slow watcher', () => {
  let relay: TestRelay;
  const meter = new QueueMeter();
  const clients: TestClient[] = [];

  beforeAll(async () => {
    meter.install();
    relay = await startTestRelay({
      limits: {
        maxBufferedBytes: MAX_BUFFERED,
        // The whole stream stays one checkpoint, so a resync is the stream from its snapshot.
        cobrowseCheckpointBytes: 64 * 1024 * 1024,
        cobrowseFramesPerSecond: 2000,
        cobrowseFrameBurst: 2000,
      },
    });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await relay.stop();
    meter.restore();
  });

  async function connect(token: string, origin: string): Promise<TestClient> {
    const client = new TestClient(relay, token, origin);
    clients.push(client);
    await client.hello();
    return client;
  }

  it('skips a paused agent without cutting it, keeps the reading one whole, and resyncs the paused one from the checkpoint', async () => {
    const { token } = await visitorToken(relay);
    const visitor = await connect(token, PAGE_ORIGIN);
    visitor.send({ type: 'chat.send', clientId: 'slow-watcher-1', text: 'please look at my page' });
    const { conversationId } = await visitor.next('chat.ack');
    const agentToken = await adminToken(relay);
    const reading = await connect(agentToken, relay.publicOrigin);
    const paused = await connect(agentToken, relay.publicOrigin);

    reading.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab: 'tab-slow-watcher-1' });
    await visitor.next('cobrowse.state', (f) => f.status.view === 'active');
    for (const agent of [reading, paused]) {
      agent.send({ type: 'cobrowse.join', conversationId });
      await agent.next('cobrowse.state', (f) => f.status.view === 'active' && f.status.live === true);
    }
    await visitor.next('cobrowse.snapshot');
    const snapshotAskedAt = Date.now();
    paused.send({ type: 'ping', t: TAG });
    await paused.next('pong', (f) => f.t === TAG);
    const link = meter.tagged!;
    expect(link).toBeInstanceOf(Connection);
    const queue = meter.of(link);

    // The full snapshot reaches both; then the paused agent stops reading.
    visitor.send(batch(conversationId, 0));
    await reading.next('cobrowse.events', (f) => f.seq === 0);
    await paused.next('cobrowse.events', (f) => f.seq === 0);
    socketOf(paused).pause();

    // Stream until the relay has skipped the paused agent for SKIPPED batches in a row.
    let last = 0;
    let sentToPaused = -1;
    let skippedSince = 0;
    while (last - skippedSince < SKIPPED || sentToPaused !== queue.events) {
      expect(last, 'the paused agent was never skipped').toBeLessThan(MAX_BATCHES);
      expect(queue.max, 'the relay kept queueing for the paused agent').toBeLessThanOrEqual(MAX_BUFFERED / 4 + FRAME_BYTES);
      if (queue.events !== sentToPaused) {
        sentToPaused = queue.events;
        skippedSince = last;
      }
      last++;
      visitor.send(batch(conversationId, last));
      if (last > WINDOW) await reading.next('cobrowse.events', (f) => f.seq === last - WINDOW);
    }
    for (let seq = Math.max(1, last - WINDOW + 1); seq <= last; seq++) await reading.next('cobrowse.events', (f) => f.seq === seq);
    // Skipped past a quarter of the cut-off: never more queued than that and the frame on top.
    const maxWhileBehind = queue.max;
    expect(maxWhileBehind).toBeGreaterThan(MAX_BUFFERED / 4);
    expect(maxWhileBehind).toBeLessThanOrEqual(MAX_BUFFERED / 4 + FRAME_BYTES);
    expect(paused.ws.readyState).toBe(paused.ws.OPEN);

    // The relay asks the source for a snapshot at most once a second, and the join just did: a
    // clock, not an event, so the window is waited out before the agent drains.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, snapshotAskedAt + SNAPSHOT_INTERVAL_MS - Date.now())));
    expect(visitor.frames.filter((f) => f.type === 'cobrowse.snapshot')).toHaveLength(1);

    // It reads again: what was already on the wire, then the checkpoint from its full snapshot,
    // paced under half the cut-off; the source is asked for a fresh snapshot.
    queue.max = 0;
    socketOf(paused).resume();
    await paused.next('cobrowse.events', (f) => f.seq === last, 10_000);
    expect(await visitor.next('cobrowse.snapshot')).toEqual({ type: 'cobrowse.snapshot', conversationId });
    const resyncMax = queue.max;
    expect(resyncMax).toBeLessThanOrEqual(MAX_BUFFERED / 2 + FRAME_BYTES);
    for (let seq = last + 1; seq <= last + AFTER; seq++) visitor.send(batch(conversationId, seq));
    const end = last + AFTER;
    await paused.next('cobrowse.events', (f) => f.seq === end);
    await reading.next('cobrowse.events', (f) => f.seq === end);

    const readingSeqs = eventsOf(reading).map((f) => f.seq);
    expect(readingSeqs).toEqual(range(0, end));
    expect(eventsOf(reading).every((f) => f.data === batch(conversationId, f.seq).data)).toBe(true);

    const got = eventsOf(paused);
    const resyncAt = got.findIndex((f, i) => i > 0 && f.full === true);
    expect(resyncAt).toBeGreaterThan(0);
    const before = got.slice(0, resyncAt).map((f) => f.seq);
    const after = got.slice(resyncAt);
    // Before the skip: an unbroken prefix, cut well short of the end.
    expect(before).toEqual(range(0, before.length - 1));
    expect(before.length).toBeLessThan(last - SKIPPED + 2);
    expect(after[0]).toEqual(batch(conversationId, 0));
    expect(after.map((f) => f.seq)).toEqual(range(0, end));
    expect(paused.frames.some((f) => f.type === 'error')).toBe(false);
    expect(paused.ws.readyState).toBe(paused.ws.OPEN);
    expect(relay.connections()).toBe(3);
  });
});
