import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingThrottle } from './typing-throttle.js';

describe('TypingThrottle', () => {
  let sent: Array<[string, boolean]>;
  let throttle: TypingThrottle;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    throttle = new TypingThrottle((id, typing) => sent.push([id, typing]), { repeatMs: 3000, idleMs: 4000 });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends typing once per interval while keys keep coming', () => {
    for (let i = 0; i < 10; i += 1) {
      throttle.input('c1');
      vi.advanceTimersByTime(350);
    }
    expect(sent).toEqual([
      ['c1', true],
      ['c1', true],
    ]);
  });

  it('sends stopped after a pause', () => {
    throttle.input('c1');
    vi.advanceTimersByTime(4000);
    expect(sent).toEqual([
      ['c1', true],
      ['c1', false],
    ]);
  });

  it('stops the previous conversation when the agent types in another', () => {
    throttle.input('c1');
    throttle.input('c2');
    expect(sent).toEqual([
      ['c1', true],
      ['c1', false],
      ['c2', true],
    ]);
  });

  it('sends nothing on stop when not typing', () => {
    throttle.stop();
    expect(sent).toEqual([]);
  });
});
