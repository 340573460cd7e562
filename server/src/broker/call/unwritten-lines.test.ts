import { afterEach, describe, expect, it, vi } from 'vitest';
import { STORE_RETRY_AFTER_S } from '../../storage/store-unavailable.js';
import { FIRST_RETRY_MS, UnwrittenLines } from './unwritten-lines.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('UnwrittenLines', () => {
  it('hands back what waits for a conversation, oldest first, once, and nothing for another', () => {
    const lines = new UnwrittenLines();
    lines.defer('c1', [{ type: 'line', text: 'Ann answered the call' }, { type: 'announce' }], 1);
    expect(lines.take('c2')).toEqual({ effects: [], failures: 0 });
    expect(lines.take('c1')).toEqual({ effects: [{ type: 'line', text: 'Ann answered the call' }, { type: 'announce' }], failures: 1 });
    expect(lines.take('c1')).toEqual({ effects: [], failures: 0 });
    expect(lines.size).toBe(0);
  });

  it('asks for a retry sooner at first, then no more often than the store says to retry', () => {
    vi.useFakeTimers();
    const lines = new UnwrittenLines();
    const due: string[] = [];
    lines.onRetry = (conversationId) => void due.push(conversationId);
    lines.defer('c1', [{ type: 'announce' }], 1);
    vi.advanceTimersByTime(FIRST_RETRY_MS - 1);
    expect(due).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['c1']);
    lines.defer('c1', lines.take('c1').effects, 20);
    vi.advanceTimersByTime(STORE_RETRY_AFTER_S * 1000 - 1);
    expect(due).toEqual(['c1']);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['c1', 'c1']);
  });

  it('stops retrying when taken or closed', () => {
    vi.useFakeTimers();
    const lines = new UnwrittenLines();
    const due: string[] = [];
    lines.onRetry = (conversationId) => void due.push(conversationId);
    lines.defer('c1', [{ type: 'announce' }], 1);
    lines.defer('c2', [{ type: 'announce' }], 1);
    lines.take('c1');
    lines.close();
    vi.advanceTimersByTime(STORE_RETRY_AFTER_S * 1000);
    expect(due).toEqual([]);
    expect(lines.size).toBe(0);
  });
});
