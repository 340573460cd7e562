import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingSender } from './typing-sender.js';

describe('TypingSender', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends typing once for a burst of keystrokes', () => {
    const sent: boolean[] = [];
    const typing = new TypingSender((t) => sent.push(t));
    for (let i = 0; i < 10; i++) typing.input(1000 + i * 100);
    expect(sent).toEqual([true]);
  });

  it('refreshes typing while the visitor keeps typing', () => {
    const sent: boolean[] = [];
    const typing = new TypingSender((t) => sent.push(t), 3000, 3000);
    typing.input(0);
    typing.input(3500);
    expect(sent).toEqual([true, true]);
  });

  it('stops after the idle time without keystrokes', () => {
    const sent: boolean[] = [];
    const typing = new TypingSender((t) => sent.push(t));
    typing.input();
    vi.advanceTimersByTime(2999);
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, false]);
  });

  it('stops at once on send and only once', () => {
    const sent: boolean[] = [];
    const typing = new TypingSender((t) => sent.push(t));
    typing.input();
    typing.stop();
    typing.stop();
    vi.runAllTimers();
    expect(sent).toEqual([true, false]);
  });
});
