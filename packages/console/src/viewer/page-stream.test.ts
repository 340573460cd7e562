import { describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame } from '@parley/protocol';
import type { FromViewerMessage } from './messages.js';
import { PageStream, type MirrorSink } from './page-stream.js';
import type { ReplayEvent } from './replay-events.js';
import { RESYNC_MIN_MS } from './resync-gate.js';

const META = { type: 4, timestamp: 1, data: { href: 'https://shop.test/', width: 1280, height: 720 } };
const SNAPSHOT = { type: 2, timestamp: 2, data: { node: {}, initialOffset: { top: 0, left: 0 } } };
const MUTATION = { type: 3, timestamp: 3, data: { source: 0, adds: [], removes: [], texts: [], attributes: [] } };

function frame(seq: number, events: unknown[], extra: Partial<CobrowseEventsFrame> = {}): CobrowseEventsFrame {
  return { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-a1b2c3', seq, data: JSON.stringify(events), ...extra };
}

function setup(mirror: Partial<MirrorSink> = {}) {
  const posted: FromViewerMessage[] = [];
  const applied: Array<[string, number[]]> = [];
  let now = 10_000;
  const stream = new PageStream({
    mirror: {
      full: (events: ReplayEvent[]) => applied.push(['full', events.map((e) => e.type)]),
      add: (events: ReplayEvent[]) => applied.push(['add', events.map((e) => e.type)]),
      ...mirror,
    },
    post: (m) => posted.push(m),
    now: () => now,
  });
  return { stream, posted, applied, later: (ms: number) => (now += ms) };
}

describe('PageStream', () => {
  it('starts a picture from a full batch, adds later batches and reports the page once', () => {
    const { stream, posted, applied } = setup();
    stream.receive(frame(0, [META, SNAPSHOT], { full: true }));
    stream.receive(frame(1, [MUTATION]));
    expect(applied).toEqual([
      ['full', [4, 2]],
      ['add', [3]],
    ]);
    expect(posted).toEqual([{ kind: 'page', url: 'https://shop.test/', width: 1280, height: 720 }]);
  });

  it('asks for a checkpoint after a gap and applies nothing until the next full batch', () => {
    const { stream, posted, applied } = setup();
    stream.receive(frame(0, [META, SNAPSHOT], { full: true }));
    stream.receive(frame(2, [MUTATION]));
    stream.receive(frame(3, [MUTATION]));
    expect(posted.at(-1)).toEqual({ kind: 'resync' });
    expect(posted.filter((m) => m.kind === 'resync')).toHaveLength(1);
    expect(stream.waitingForFull).toBe(true);
    stream.receive(frame(4, [META, SNAPSHOT], { full: true }));
    expect(applied.map(([kind]) => kind)).toEqual(['full', 'full']);
  });

  it('asks for a checkpoint when a batch is not rrweb events', () => {
    const { stream, posted, applied } = setup();
    stream.receive(frame(0, [META, SNAPSHOT], { full: true }));
    stream.receive({ ...frame(1, []), data: '<script>alert(1)</script>' });
    expect(posted.at(-1)).toEqual({ kind: 'resync' });
    expect(applied).toHaveLength(1);
  });

  it('asks for a checkpoint when the mirror fails to apply a batch', () => {
    const { stream, posted } = setup({
      add: () => {
        throw new Error('node not found');
      },
    });
    stream.receive(frame(0, [META, SNAPSHOT], { full: true }));
    stream.receive(frame(1, [MUTATION]));
    expect(posted.at(-1)).toEqual({ kind: 'resync' });
    expect(stream.waitingForFull).toBe(true);
  });

  it('asks again, later, while page data keeps arriving without a full batch', () => {
    const { stream, posted, later } = setup();
    stream.receive(frame(5, [MUTATION]));
    expect(posted).toEqual([]);
    later(5_000);
    stream.receive(frame(6, [MUTATION]));
    expect(posted).toEqual([{ kind: 'resync' }]);
  });

  it('asks at most once a second however broken the stream is', () => {
    const { stream, posted, later } = setup();
    stream.receive(frame(0, [META, SNAPSHOT], { full: true }));
    stream.receive(frame(3, [MUTATION]));
    stream.receive(frame(10, [META, SNAPSHOT], { full: true }));
    stream.receive(frame(12, [MUTATION]));
    expect(posted.filter((m) => m.kind === 'resync')).toHaveLength(1);
    later(RESYNC_MIN_MS);
    stream.receive(frame(20, [META, SNAPSHOT], { full: true }));
    stream.receive(frame(22, [MUTATION]));
    expect(posted.filter((m) => m.kind === 'resync')).toHaveLength(2);
  });

  it('waits for a full batch after reset without asking', () => {
    const { stream, posted, applied } = setup();
    stream.receive(frame(0, [META, SNAPSHOT], { full: true }));
    stream.reset();
    stream.receive(frame(1, [MUTATION]));
    expect(applied).toHaveLength(1);
    expect(posted.filter((m) => m.kind === 'resync')).toHaveLength(0);
  });
});
