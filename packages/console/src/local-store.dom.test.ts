import { beforeEach, describe, expect, it } from 'vitest';
import { clearOutbox, loadOutbox, loadSoundOn, saveOutbox, saveSoundOn } from './local-store.js';
import type { PendingMessage } from './store/state.js';

const reply: PendingMessage = { clientId: 'reply-0001', conversationId: 'c1', text: 'Hi', createdAt: 1, status: 'failed' };

beforeEach(() => localStorage.clear());

describe('outbox storage', () => {
  it('gives an agent back their unsent replies, ready to resend', () => {
    saveOutbox('agent-a', [reply]);
    expect(loadOutbox('agent-a')).toEqual([{ ...reply, status: 'sending' }]);
  });

  it('never hands one agent’s replies to another', () => {
    saveOutbox('agent-a', [reply]);
    expect(loadOutbox('agent-b')).toEqual([]);
  });

  it('keeps a refused reply failed and forgets everything on clear', () => {
    saveOutbox('agent-a', [{ ...reply, permanent: true }]);
    expect(loadOutbox('agent-a')[0]!.status).toBe('failed');
    clearOutbox();
    expect(loadOutbox('agent-a')).toEqual([]);
  });
});

describe('sound preference', () => {
  it('is on by default and remembers off', () => {
    expect(loadSoundOn()).toBe(true);
    saveSoundOn(false);
    expect(loadSoundOn()).toBe(false);
  });
});
