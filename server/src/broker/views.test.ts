import { describe, expect, it } from 'vitest';
import { PREVIEW_LENGTH } from '@parley/protocol';
import type { Conversation } from '../storage/storage.js';
import { toActivity, toSummary } from './views.js';

function conversation(text: string): Conversation {
  return {
    id: 'c1', siteId: 's1', visitorId: 'v1', status: 'open', assigneeId: null, createdAt: 1, updatedAt: 2, resolvedAt: null,
    lastSeq: 3, lastMessage: { text, author: 'visitor', at: 2 }, firstResponseAt: null, visitorReadSeq: 0, agentReadSeq: 0,
  };
}

describe('views of a conversation', () => {
  it('carry a preview of a long last message in summaries and inbox activity', () => {
    const long = conversation('x'.repeat(4000));
    for (const view of [toSummary(long, null, null), toActivity(long)]) {
      expect(view.lastMessage!.text).toBe(`${'x'.repeat(PREVIEW_LENGTH - 1)}…`);
      expect(view.lastMessage!.author).toBe('visitor');
    }
    // The stored conversation keeps its whole text.
    expect(long.lastMessage!.text).toHaveLength(4000);
  });

  it('pass a short last message through as it is', () => {
    const short = conversation('Where is my order?');
    expect(toActivity(short).lastMessage).toBe(short.lastMessage);
    expect(toSummary(short, 'Ann', null).lastMessage).toBe(short.lastMessage);
  });
});
