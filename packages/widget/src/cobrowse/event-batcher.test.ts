import { DEFAULT_LIMITS } from '@parley/protocol';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBatcher } from './event-batcher.js';

let sent: CobrowseEventsFrame[];
let up: boolean;
let streams: number;

function batcher(): EventBatcher {
  return new EventBatcher({
    conversationId: 'c1',
    send: (frame) => {
      if (up) sent.push(frame);
      return up;
    },
    newStream: () => `stream-${++streams}-abcdef`,
  });
}

const meta = { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 720 }, timestamp: 1 };
const full = (html: string) => ({ type: 2, data: { node: { html } }, timestamp: 2 });
const move = (n: number) => ({ type: 3, data: { source: 1, positions: [{ x: n, y: n }] }, timestamp: 3 + n });
const events = (frame: CobrowseEventsFrame) => JSON.parse(frame.data) as { type: number }[];
const frameBytes = (frame: CobrowseEventsFrame) => Buffer.byteLength(JSON.stringify(frame), 'utf8');

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  up = true;
  streams = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('EventBatcher', () => {
  it('drops events until a full snapshot begins the stream', () => {
    const b = batcher();
    b.push(move(1));
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([]);
    b.push(meta);
    b.push(full('<p>hi</p>'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([{ type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-1-abcdef', seq: 0, full: true, data: JSON.stringify([meta, full('<p>hi</p>')]) }]);
  });

  it('sends a change after a quiet moment at the end of the task, numbered from 0', () => {
    const b = batcher();
    b.push(meta);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(100);
    b.push(move(1));
    b.push(move(2));
    vi.advanceTimersByTime(0);
    expect(sent.map((f) => [f.seq, f.full, events(f).map((e) => e.type)])).toEqual([
      [0, true, [4]],
      [1, undefined, [3, 3]],
    ]);
  });

  it('spaces frames at least 50 ms apart while the page keeps changing', () => {
    const b = batcher();
    b.push(meta);
    vi.advanceTimersByTime(0);
    b.push(move(1));
    vi.advanceTimersByTime(30);
    b.push(move(2));
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(20);
    expect(sent.map((f) => [f.seq, events(f).map((e) => e.type)])).toEqual([
      [0, [4]],
      [1, [3, 3]],
    ]);
  });

  it('sends at once when the batch passes 32 KiB', () => {
    const b = batcher();
    b.push(meta);
    vi.advanceTimersByTime(50);
    for (let i = 0; sent.length < 2; i++) b.push({ type: 3, data: { text: 'x'.repeat(1000), i } });
    expect(JSON.stringify(events(sent[1]!)).length).toBeGreaterThan(32 * 1024);
    expect(JSON.stringify(events(sent[1]!)).length).toBeLessThan(34 * 1024);
  });

  it('starts a new full batch at each Meta event, sending what came before it first', () => {
    const b = batcher();
    b.push(meta);
    b.push(full('a'));
    vi.advanceTimersByTime(50);
    b.push(move(1));
    b.push(meta);
    b.push(full('b'));
    vi.advanceTimersByTime(50);
    expect(sent.map((f) => [f.seq, !!f.full, events(f).map((e) => e.type)])).toEqual([
      [0, true, [4, 2]],
      [1, false, [3]],
      [2, true, [4, 2]],
    ]);
  });

  it('splits a large snapshot into parts under the frame limit that reassemble to the batch', () => {
    const b = batcher();
    b.push(move(0));
    b.push(meta);
    const html = '<div class="product">한국어 상품 "설명" \\ 😀</div>\n'.repeat(6000);
    b.push(full(html));
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.map((f) => f.seq)).toEqual(sent.map((_, i) => i));
    expect(sent.map((f) => f.part)).toEqual(sent.map((_, i) => i));
    for (const f of sent) {
      expect(f.parts).toBe(sent.length);
      expect(f.full).toBe(true);
      expect(frameBytes(f)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFrameBytes);
    }
    expect(sent.map((f) => f.data).join('')).toBe(JSON.stringify([meta, full(html)]));
  });

  it('stops at a lost frame and begins a new stream from seq 0 on restart', () => {
    const b = batcher();
    b.push(meta);
    vi.advanceTimersByTime(50);
    up = false;
    b.push(move(1));
    vi.advanceTimersByTime(50);
    expect(b.broken).toBe(true);
    up = true;
    b.push(move(2));
    vi.advanceTimersByTime(50);
    expect(sent).toHaveLength(1);
    b.restart();
    b.push(move(3));
    b.push(meta);
    vi.advanceTimersByTime(50);
    expect(sent.slice(1).map((f) => [f.stream, f.seq, f.full])).toEqual([['stream-2-abcdef', 0, true]]);
    expect(b.broken).toBe(false);
  });
});
