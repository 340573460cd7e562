import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentFrame, CobrowseEventsFrame } from '@parley/protocol';
import { CobrowseChannel, POINTER_FRAME_MS, RESYNC_JOIN_MS, type CobrowseWatcher } from './cobrowse-channel.js';

function events(seq: number, conversationId = 'c1'): CobrowseEventsFrame {
  return { type: 'cobrowse.events', conversationId, stream: 'stream-a1b2c3', seq, data: '[]' };
}

function recorder(): CobrowseWatcher & { frames: number[]; resets: number } {
  const w = {
    frames: [] as number[],
    resets: 0,
    events: (f: CobrowseEventsFrame) => w.frames.push(f.seq),
    reset: () => {
      w.resets += 1;
    },
  };
  return w;
}

let sent: AgentFrame[];
let channel: CobrowseChannel;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  channel = new CobrowseChannel((f) => {
    sent.push(f);
    return true;
  });
});

afterEach(() => {
  channel.stop();
  vi.useRealTimers();
});

describe('CobrowseChannel', () => {
  it('sends requests and ends with their scope', () => {
    channel.request('c1', 'view');
    channel.request('c1', 'control');
    channel.end('c1', 'control');
    channel.end('c1', 'view');
    expect(sent).toEqual([
      { type: 'cobrowse.request', conversationId: 'c1', scope: 'view' },
      { type: 'cobrowse.request', conversationId: 'c1', scope: 'control' },
      { type: 'cobrowse.end', conversationId: 'c1', scope: 'control' },
      { type: 'cobrowse.end', conversationId: 'c1', scope: 'view' },
    ]);
  });

  it('joins when watching, routes only that conversation’s page data, and leaves when stopped', () => {
    const watcher = recorder();
    const stop = channel.watch('c1', watcher);
    channel.route(events(0));
    channel.route(events(0, 'c2'));
    stop();
    channel.route(events(1));
    expect(watcher.frames).toEqual([0]);
    expect(sent).toEqual([
      { type: 'cobrowse.join', conversationId: 'c1' },
      { type: 'cobrowse.leave', conversationId: 'c1' },
    ]);
  });

  it('joins again for a resync, at most once a second', () => {
    channel.watch('c1', recorder());
    channel.resync('c1');
    vi.advanceTimersByTime(RESYNC_JOIN_MS);
    channel.resync('c1');
    channel.resync('c1');
    channel.resync('c2');
    expect(sent.filter((f) => f.type === 'cobrowse.join')).toHaveLength(2);
  });

  it('rejoins every watched conversation after a reconnect and resets its viewer', () => {
    const watcher = recorder();
    channel.watch('c1', watcher);
    channel.rejoinAll();
    expect(watcher.resets).toBe(1);
    expect(sent.filter((f) => f.type === 'cobrowse.join')).toHaveLength(2);
  });

  it('sends at most ten pointer frames a second, the latest position last', () => {
    for (let i = 0; i < 30; i++) {
      channel.point('c1', 'pointer', 10 + i, 0.5, 0.5);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(POINTER_FRAME_MS);
    const pointers = sent.filter((f) => f.type === 'cobrowse.pointer');
    expect(pointers.length).toBeLessThanOrEqual(5);
    expect(pointers.at(-1)).toEqual({ type: 'cobrowse.pointer', conversationId: 'c1', kind: 'pointer', node: 39, x: 0.5, y: 0.5 });
  });

  it('sends control actions at once', () => {
    channel.control('c1', { action: 'input', node: 9, value: 'SAVE10' });
    channel.control('c1', { action: 'scroll', node: 1, x: 0, y: 400 });
    expect(sent).toEqual([
      { type: 'cobrowse.control', conversationId: 'c1', action: 'input', node: 9, value: 'SAVE10' },
      { type: 'cobrowse.control', conversationId: 'c1', action: 'scroll', node: 1, x: 0, y: 400 },
    ]);
  });
});
