import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { decodeControl, decodeEnvelope, encodeControl, encodeEnvelope } from './wire.js';

const frame = { type: 'chat.typing', conversationId: 'c1', typing: true, from: 'agent' } satisfies ServerFrame;

describe('envelope wire', () => {
  it('round-trips topics, except and the frame text as the publisher made it', () => {
    const text = encodeEnvelope('inst-1', { topics: ['conversation:c1', 'visitor:v1'], frame, except: 'conn-9' }, JSON.stringify(frame), 1_700_000_000_123);
    const decoded = decodeEnvelope(text)!;
    expect(decoded.inst).toBe('inst-1');
    expect(decoded.sentAt).toBe(1_700_000_000_123);
    expect(decoded.envelope.topics).toEqual(['conversation:c1', 'visitor:v1']);
    expect(decoded.envelope.except).toBe('conn-9');
    expect(decoded.envelope.frameJson).toBe(JSON.stringify(frame));
    expect(decoded.envelope.frame).toEqual(frame);
    expect(decoded.envelope.paced).toBeUndefined();
  });

  it('carries the paced mark, and an older header without it reads as not paced', () => {
    const paced = decodeEnvelope(encodeEnvelope('i', { topics: ['admins'], frame, paced: true }, JSON.stringify(frame), 5))!;
    expect(paced.envelope.paced).toBe(true);
    expect(paced.envelope.except).toBeUndefined();
    expect(decodeEnvelope('["i",["admins"],null,5]\n{}')!.envelope.paced).toBeUndefined();
  });

  it('keeps a frame whose text holds newlines intact (JSON escapes them)', () => {
    const withNewline = { type: 'presence', agentsOnline: 1, note: 'a\nb' } as unknown as ServerFrame;
    const decoded = decodeEnvelope(encodeEnvelope('i', { topics: ['admins'], frame: withNewline }, JSON.stringify(withNewline), 5))!;
    expect(decoded.envelope.frame).toEqual(withNewline);
    expect(decoded.envelope.except).toBeUndefined();
  });

  it('parses the frame only when it is read', () => {
    const decoded = decodeEnvelope('["i",["admins"]]\n{not json')!;
    expect(decoded.envelope.frameJson).toBe('{not json');
    // A header without a time (an older node) still carries its frame; it just reports no lag.
    expect(decoded.sentAt).toBeNull();
    expect(() => decoded.envelope.frame).toThrow(SyntaxError);
  });

  it('ignores text that is not an envelope', () => {
    for (const text of ['', 'hello', '{}\n{}', '["i"]\n{}', '[1,["admins"]]\n{}', '["i",[1]]\n{}', '["i",["admins"],5]\n{}', '[oops\n{}']) {
      expect(decodeEnvelope(text), text).toBeNull();
    }
  });
});

describe('control wire', () => {
  it('round-trips each kind of control message', () => {
    const messages = [
      { op: 'hb', node: 'a', inst: 'i', join: true },
      { op: 'bye', node: 'a', inst: 'i' },
      { op: 'msg', node: 'a', inst: 'i', kind: 'cache.drop', body: { id: 'x' } },
      { op: 'req', node: 'a', inst: 'i', id: 'i:1', kind: 'who', body: null },
      { op: 'res', node: 'b', inst: 'j', id: 'i:1', body: 'b' },
      { op: 'res', node: 'b', inst: 'j', id: 'i:1', error: 'no responder' },
    ] as const;
    for (const message of messages) expect(decodeControl(encodeControl(message))).toEqual(message);
  });

  it('ignores text that is not a control message', () => {
    for (const text of ['', 'null', '[]', '{"op":"hb"}', '{"op":"nope","node":"a","inst":"i"}', '{"op":"msg","node":"a","inst":"i"}', '{"op":"res","node":"a","inst":"i"}']) {
      expect(decodeControl(text), text).toBeNull();
    }
  });
});
