import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { Checkpoint, type CheckpointChange } from './checkpoint.js';
import { WATCHER_RETRY_MS, Watcher } from './watcher.js';

const MAX = 1600;

/** A link whose queue grows with each send until the test drains it. */
class FakeLink {
  sent: string[] = [];
  bufferedAmount = 0;
  /** Bytes each send adds to the queue. */
  cost = 0;
  sendText(text: string): void {
    this.sent.push(text);
    this.bufferedAmount += this.cost;
  }
}

function setup(cost = 0) {
  const checkpoint = new Checkpoint(1 << 20);
  const link = new FakeLink();
  link.cost = cost;
  const snapshots = { asked: 0 };
  const watcher = new Watcher(link, checkpoint, MAX, () => snapshots.asked++);
  // Frames pushed before the watcher joins only fill the checkpoint (as in the hub).
  let joined = false;
  const join = (): void => {
    joined = true;
    watcher.resync();
  };
  const push = (seq: number, full = false): { text: string; change: CheckpointChange } => {
    const frame: CobrowseEventsFrame = { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream-aaaa', seq, data: `[${seq}]`, ...(full ? { full } : {}) };
    const text = JSON.stringify(frame);
    const change = checkpoint.add(frame, text);
    if (joined) watcher.offer(text, change);
    return { text, change };
  };
  return { checkpoint, link, watcher, push, snapshots, join };
}

describe('Watcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for a full snapshot when there is no checkpoint, and asks for one', () => {
    const { watcher, link, push, snapshots, join } = setup();
    join();
    expect(watcher.mode).toBe('waiting');
    expect(snapshots.asked).toBe(1);
    push(0);
    expect(link.sent).toHaveLength(0);
    const full = push(1, true);
    expect(link.sent).toEqual([full.text]);
    expect(watcher.mode).toBe('live');
  });

  it('sends the whole checkpoint on resync, then new frames live, in order', () => {
    const { watcher, link, push, join } = setup();
    const frames = [push(0, true).text, push(1).text, push(2).text];
    join();
    expect(link.sent).toEqual(frames);
    expect(watcher.mode).toBe('live');
    frames.push(push(3).text);
    expect(link.sent).toEqual(frames);
  });

  it('paces the checkpoint under half the cut-off and finishes it when the queue drains', () => {
    const { watcher, link, push, join } = setup(MAX / 4);
    const frames = [0, 1, 2, 3, 4].map((seq) => push(seq, seq === 0).text);
    join();
    // Sends stop once half of maxBufferedBytes is queued.
    expect(link.sent).toEqual(frames.slice(0, 2));
    expect(watcher.mode).toBe('catching-up');
    // A frame arriving meanwhile waits its turn behind the checkpoint.
    frames.push(push(5).text);
    expect(link.sent).toHaveLength(2);
    link.bufferedAmount = 0;
    link.cost = 0;
    vi.advanceTimersByTime(WATCHER_RETRY_MS);
    expect(link.sent).toEqual(frames);
    expect(watcher.mode).toBe('live');
  });

  it('skips a watcher more than a quarter behind and resends the checkpoint once it drains', () => {
    const { watcher, link, push, join, snapshots } = setup();
    push(0, true);
    join();
    link.bufferedAmount = MAX / 4 + 1;
    push(1);
    push(2);
    expect(watcher.mode).toBe('behind');
    expect(link.sent).toHaveLength(1);
    link.bufferedAmount = MAX / 8;
    vi.advanceTimersByTime(WATCHER_RETRY_MS * 3);
    expect(watcher.mode).toBe('behind');
    link.bufferedAmount = MAX / 16 - 1;
    const before = link.sent.length;
    vi.advanceTimersByTime(WATCHER_RETRY_MS);
    expect(watcher.mode).toBe('live');
    // The whole checkpoint again: the full snapshot and both skipped batches.
    expect(link.sent.slice(before).map((t) => (JSON.parse(t) as { seq: number }).seq)).toEqual([0, 1, 2]);
    // As on a join, the source is asked for a fresh snapshot so the next pass is short.
    expect(snapshots.asked).toBe(1);
  });

  it('restarts a paced pass at a new full snapshot and stops when the checkpoint is dropped', () => {
    const { watcher, link, push, checkpoint, snapshots, join } = setup(MAX / 4);
    [0, 1, 2, 3].forEach((seq) => push(seq, seq === 0));
    join();
    const fresh = push(4, true).text;
    link.bufferedAmount = 0;
    link.cost = 0;
    vi.advanceTimersByTime(WATCHER_RETRY_MS);
    expect(link.sent.at(-1)).toBe(fresh);
    expect(watcher.mode).toBe('live');

    link.cost = MAX / 4;
    [5, 6, 7].forEach((seq) => push(seq));
    join();
    checkpoint.clear();
    watcher.offer('', 'dropped');
    expect(watcher.mode).toBe('waiting');
    expect(snapshots.asked).toBeGreaterThan(0);
  });

  it('sends nothing after dispose', () => {
    const { watcher, link, push, join } = setup(MAX / 4);
    [0, 1, 2, 3].forEach((seq) => push(seq, seq === 0));
    join();
    const sent = link.sent.length;
    watcher.dispose();
    link.bufferedAmount = 0;
    vi.advanceTimersByTime(WATCHER_RETRY_MS * 5);
    expect(link.sent).toHaveLength(sent);
  });
});
