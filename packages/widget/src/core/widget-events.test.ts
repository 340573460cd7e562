import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { toPublicMessage } from './widget-events.js';

const message: Message = { id: 'm1', conversationId: 'c1', seq: 3, clientId: 'k1', author: 'agent', authorId: 'a1', text: 'hi', at: 7 };

describe('toPublicMessage', () => {
  it('gives the host page the message without the relay’s bookkeeping', () => {
    expect(toPublicMessage(message)).toEqual({ id: 'm1', conversationId: 'c1', author: 'agent', text: 'hi', at: 7 });
  });

  it('keeps the author’s name when there is one', () => {
    expect(toPublicMessage({ ...message, authorName: 'Sam' })).toMatchObject({ authorName: 'Sam' });
  });
});
