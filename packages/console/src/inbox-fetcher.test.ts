import { describe, expect, it } from 'vitest';
import type { ConversationActivity, InboxFetchFrame, InboxUpdatesFrame } from '@parley/protocol';
import { InboxFetcher } from './inbox-fetcher.js';
import { reduce } from './store/reducer.js';
import { initialState, type ConsoleState } from './store/state.js';
import { conversation, welcome } from './test-support/fixtures.js';

const entry = (id: string): ConversationActivity => ({ id, updatedAt: 5_000, lastSeq: 2, lastMessage: { text: 'Hi', author: 'visitor', at: 5_000 } });

/** A fetcher whose frames are recorded, over a console holding c1, that applies what it is told. */
function setup() {
  const sent: string[][] = [];
  let connected = true;
  const fetcher = new InboxFetcher((frame: InboxFetchFrame) => {
    if (connected) sent.push(frame.conversationIds);
    return connected;
  });
  let state: ConsoleState = reduce(initialState(), { kind: 'frame', frame: welcome([conversation()]), now: 0 });
  return {
    sent,
    fetcher,
    disconnect: () => (connected = false),
    connect: () => (connected = true),
    activity(...ids: string[]) {
      const frame = { type: 'inbox.activity', conversations: ids.map(entry) } as const;
      state = reduce(state, { kind: 'frame', frame, now: 0 });
      fetcher.afterActivity(state, frame);
    },
    updates(...ids: string[]) {
      const frame: InboxUpdatesFrame = { type: 'inbox.updates', conversations: ids.map((id) => conversation({ id })) };
      state = reduce(state, { kind: 'frame', frame, now: 0 });
      fetcher.afterUpdates(frame);
    },
  };
}

describe('InboxFetcher', () => {
  it('asks once for the conversations it does not hold, and never for one it holds', () => {
    const f = setup();
    f.activity('c1', 'c7', 'c8', 'c7');
    f.activity('c8', 'c9', 'c1');
    expect(f.sent).toEqual([['c7', 'c8'], ['c9']]);
  });

  it('asks for at most 100 conversations a frame', () => {
    const f = setup();
    const ids = Array.from({ length: 250 }, (_, i) => `c${i + 100}`);
    f.activity(...ids);
    expect(f.sent.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
    expect(f.sent.flat()).toEqual(ids);
  });

  it('does not ask again for a conversation the answer left out, nor for one it brought', () => {
    const f = setup();
    f.activity('c7', 'c8');
    f.activity('c9');
    f.updates('c7');
    // c8 was left out (the agent may not see it); c9 is still to be answered.
    f.activity('c7', 'c8', 'c9', 'c10');
    f.updates();
    f.activity('c9', 'c10', 'c11');
    expect(f.sent).toEqual([['c7', 'c8'], ['c9'], ['c10'], ['c11']]);
  });

  it('keeps only the ids no answer brought', () => {
    const f = setup();
    f.activity('c7', 'c8', 'c9');
    f.updates('c2', 'c7', 'c9');
    expect(f.fetcher.unanswered).toBe(1);
    f.fetcher.reset();
    expect(f.fetcher.unanswered).toBe(0);
  });

  it('asks again on a new connection for what was not answered or was left out', () => {
    const f = setup();
    f.activity('c7', 'c8');
    f.updates('c7');
    f.activity('c9');
    f.fetcher.reset();
    f.activity('c8', 'c9');
    expect(f.sent).toEqual([['c7', 'c8'], ['c9'], ['c8', 'c9']]);
  });

  it('asks again for conversations whose frame could not be sent', () => {
    const f = setup();
    f.disconnect();
    f.activity('c7');
    f.connect();
    f.activity('c7');
    expect(f.sent).toEqual([['c7']]);
  });
});
