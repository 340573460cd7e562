import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary } from '@parley/protocol';
import { AnnounceThrottle } from './announce-throttle.js';

function summary(id: string, lastSeq: number, status: ConversationSummary['status'] = 'open'): ConversationSummary {
  return {
    id,
    siteId: 's',
    visitorId: `v-${id}`,
    status,
    assigneeId: null,
    assigneeName: null,
    createdAt: 1,
    updatedAt: lastSeq,
    lastSeq,
    lastMessage: null,
    visitorName: null,
    visitorReadSeq: 0,
    agentReadSeq: 0,
  };
}

describe('AnnounceThrottle', () => {
  let sent: ConversationSummary[];
  let throttle: AnnounceThrottle;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    sent = [];
    throttle = new AnnounceThrottle(200, (s) => sent.push(s));
  });

  afterEach(() => {
    throttle.close();
    vi.useRealTimers();
  });

  it('announces the first activity of a conversation at once', () => {
    throttle.offer(summary('a', 1));
    expect(sent.map((s) => s.lastSeq)).toEqual([1]);
  });

  it('holds later activity in the window and delivers the latest summary at its end', () => {
    for (let seq = 1; seq <= 6; seq++) throttle.offer(summary('a', seq));
    expect(sent.map((s) => s.lastSeq)).toEqual([1]);
    vi.advanceTimersByTime(200);
    expect(sent.map((s) => s.lastSeq)).toEqual([1, 6]);
    // Quiet from now on: nothing more arrives, and the final state is the last one sent.
    vi.advanceTimersByTime(1000);
    expect(sent.map((s) => s.lastSeq)).toEqual([1, 6]);
  });

  it('keeps a busy conversation to one announcement per window', () => {
    throttle.offer(summary('a', 1));
    for (let seq = 2; seq <= 41; seq++) {
      throttle.offer(summary('a', seq));
      vi.advanceTimersByTime(25);
    }
    // 40 messages over 1 s: the first at once, then one per 200 ms window.
    expect(sent.length).toBeLessThanOrEqual(7);
    vi.advanceTimersByTime(200);
    expect(sent.at(-1)?.lastSeq).toBe(41);
  });

  it('throttles each conversation on its own', () => {
    throttle.offer(summary('a', 1));
    throttle.offer(summary('b', 1));
    throttle.offer(summary('a', 2));
    expect(sent.map((s) => `${s.id}${s.lastSeq}`)).toEqual(['a1', 'b1']);
    vi.advanceTimersByTime(200);
    expect(sent.map((s) => `${s.id}${s.lastSeq}`)).toEqual(['a1', 'b1', 'a2']);
  });

  it('sends a status change at once and drops the older summary still waiting', () => {
    throttle.offer(summary('a', 1));
    throttle.offer(summary('a', 2));
    throttle.now(summary('a', 3, 'resolved'));
    expect(sent.map((s) => [s.lastSeq, s.status])).toEqual([
      [1, 'open'],
      [3, 'resolved'],
    ]);
    vi.advanceTimersByTime(1000);
    expect(sent.at(-1)?.status).toBe('resolved');
    expect(sent).toHaveLength(2);
  });

  it('announces everything at once with a window of 0', () => {
    const all: number[] = [];
    const direct = new AnnounceThrottle(0, (s) => all.push(s.lastSeq));
    for (let seq = 1; seq <= 3; seq++) direct.offer(summary('a', seq));
    expect(all).toEqual([1, 2, 3]);
  });
});
