import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentTyping } from './agent-typing.js';

describe('AgentTyping', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports each flip once', () => {
    let changes = 0;
    const typing = new AgentTyping(() => changes++);
    typing.update(true);
    typing.update(true);
    typing.update(false);
    typing.update(false);
    expect(changes).toBe(2);
    expect(typing.typing).toBe(false);
  });

  it('expires a signal that is not refreshed', () => {
    const typing = new AgentTyping(() => undefined, 8000);
    typing.update(true);
    vi.advanceTimersByTime(7999);
    expect(typing.typing).toBe(true);
    vi.advanceTimersByTime(1);
    expect(typing.typing).toBe(false);
  });

  it('restarts the expiry on every refresh', () => {
    const typing = new AgentTyping(() => undefined, 8000);
    typing.update(true);
    vi.advanceTimersByTime(6000);
    typing.update(true);
    vi.advanceTimersByTime(6000);
    expect(typing.typing).toBe(true);
  });

  it('leaves no timer behind after stop', () => {
    const typing = new AgentTyping(() => undefined);
    typing.update(true);
    typing.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
