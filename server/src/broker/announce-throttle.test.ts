import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary } from '@parley/protocol';
import { AnnounceThrottle, type SiteActivity } from './announce-throttle.js';

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

function activity(id: string, lastSeq: number): SiteActivity {
  return { id, siteId: 's', updatedAt: lastSeq, lastSeq, lastMessage: null };
}

describe('AnnounceThrottle', () => {
  /** What reached the agents, in order: `now:a1` for one summary, `batch:a2,b1` for a batch of activity. */
  let sent: string[];
  let throttle: AnnounceThrottle;
  const sink = {
    now: (s: ConversationSummary) => sent.push(`now:${s.id}${s.lastSeq}${s.status === 'open' ? '' : `/${s.status}`}`),
    batch: (list: SiteActivity[]) => sent.push(`batch:${list.map((s) => `${s.id}${s.lastSeq}`).join(',')}`),
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    sent = [];
    throttle = new AnnounceThrottle(200, sink);
  });

  afterEach(() => {
    throttle.close();
    vi.useRealTimers();
  });

  it('holds activity until the end of the window', () => {
    throttle.offer(activity('a', 1));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(199);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['batch:a1']);
  });

  it('sends many conversations’ activity in one window as one batch of their latest activity', () => {
    for (let seq = 1; seq <= 3; seq++) {
      for (const id of ['a', 'b', 'c', 'd']) throttle.offer(activity(id, seq));
    }
    throttle.offer(activity('b', 4));
    vi.advanceTimersByTime(200);
    expect(sent).toEqual(['batch:a3,c3,d3,b4']);
  });

  it('sends nothing more once activity stops, and starts a fresh batch with the next activity', () => {
    throttle.offer(activity('a', 1));
    vi.advanceTimersByTime(1000);
    throttle.offer(activity('b', 1));
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['batch:a1', 'batch:b1']);
  });

  it('keeps steady activity to one batch per window', () => {
    for (let i = 1; i <= 40; i++) {
      throttle.offer(activity(`c${i % 7}`, i));
      vi.advanceTimersByTime(25);
    }
    vi.advanceTimersByTime(200);
    // 40 messages over 1 s across 7 conversations: one batch per 200 ms window.
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(sent.every((s) => s.startsWith('batch:'))).toBe(true);
    // Nothing is lost: each conversation's latest summary reached the agents.
    for (let c = 0; c < 7; c++) expect(sent.join(','), `c${c}`).toContain(`c${c}${40 - ((40 - c) % 7)}`);
  });

  it('sends a status change at once and drops the older activity still waiting', () => {
    throttle.offer(activity('a', 1));
    throttle.offer(activity('b', 1));
    throttle.now(summary('a', 2, 'resolved'));
    expect(sent).toEqual(['now:a2/resolved']);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['now:a2/resolved', 'batch:b1']);
  });

  it('sends no batch when all waiting activity was replaced by an immediate summary', () => {
    throttle.offer(activity('a', 1));
    throttle.now(summary('a', 2));
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['now:a2']);
  });

  it('drops what waits on close', () => {
    throttle.offer(activity('a', 1));
    throttle.close();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });

  it('announces everything at once, one by one, with a window of 0', () => {
    const direct = new AnnounceThrottle(0, sink);
    for (let seq = 1; seq <= 3; seq++) direct.offer(activity('a', seq));
    expect(sent).toEqual(['batch:a1', 'batch:a2', 'batch:a3']);
  });
});
