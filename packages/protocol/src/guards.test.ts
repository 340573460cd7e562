import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './limits.js';
import { ParleyError } from './errors.js';
import { parseAttributes, parseClientFrame } from './guards.js';
import { PROTOCOL_VERSION } from './version.js';

const limits = DEFAULT_LIMITS;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
  return undefined;
}

describe('parseClientFrame', () => {
  it('accepts a hello with resume points, page and language', () => {
    const frame = parseClientFrame(
      JSON.stringify({
        type: 'hello',
        v: PROTOCOL_VERSION,
        resume: { c1: 4 },
        page: { url: 'https://shop.test/a', title: 'A' },
        language: 'ko-KR',
      }),
      'visitor',
      limits,
    );
    expect(frame).toEqual({
      type: 'hello',
      v: PROTOCOL_VERSION,
      resume: { c1: 4 },
      page: { url: 'https://shop.test/a', title: 'A', referrer: undefined },
      language: 'ko-KR',
    });
  });

  it('refuses text that is not JSON with bad_json', () => {
    expect(codeOf(() => parseClientFrame('{"type":', 'visitor', limits))).toBe('bad_json');
  });

  it('refuses non-object JSON and a missing type with bad_frame', () => {
    expect(codeOf(() => parseClientFrame('[1,2]', 'visitor', limits))).toBe('bad_frame');
    expect(codeOf(() => parseClientFrame('"hello"', 'visitor', limits))).toBe('bad_frame');
    expect(codeOf(() => parseClientFrame('{"v":1}', 'visitor', limits))).toBe('bad_frame');
  });

  it('refuses a type the role may not send with unknown_type', () => {
    expect(codeOf(() => parseClientFrame('{"type":"nope"}', 'visitor', limits))).toBe('unknown_type');
    const resolve = JSON.stringify({ type: 'conversation.resolve', conversationId: 'c1' });
    expect(codeOf(() => parseClientFrame(resolve, 'visitor', limits))).toBe('unknown_type');
    expect(parseClientFrame(resolve, 'agent', limits)).toEqual({ type: 'conversation.resolve', conversationId: 'c1' });
  });

  it('keeps only known fields of a chat.send and trims its text', () => {
    const frame = parseClientFrame(
      JSON.stringify({ type: 'chat.send', clientId: 'abcdefgh12', text: '  hi  ', extra: '<script>' }),
      'visitor',
      limits,
    );
    expect(frame).toEqual({ type: 'chat.send', clientId: 'abcdefgh12', text: 'hi' });
  });

  it('requires a conversation id on an agent chat.send', () => {
    const raw = JSON.stringify({ type: 'chat.send', clientId: 'abcdefgh12', text: 'hi' });
    expect(codeOf(() => parseClientFrame(raw, 'agent', limits))).toBe('bad_frame');
  });

  it('refuses blank, oversize and non-string text', () => {
    const send = (text: unknown) => JSON.stringify({ type: 'chat.send', clientId: 'abcdefgh12', text });
    expect(codeOf(() => parseClientFrame(send('   '), 'visitor', limits))).toBe('bad_frame');
    expect(codeOf(() => parseClientFrame(send(42), 'visitor', limits))).toBe('bad_frame');
    const long = 'x'.repeat(limits.maxTextLength + 1);
    expect(codeOf(() => parseClientFrame(send(long), 'visitor', limits))).toBe('text_too_long');
    expect(parseClientFrame(send('x'.repeat(limits.maxTextLength)), 'visitor', limits)).toMatchObject({
      type: 'chat.send',
    });
  });

  it('refuses malformed client ids and conversation ids', () => {
    const send = (fields: object) => JSON.stringify({ type: 'chat.send', text: 'hi', ...fields });
    expect(codeOf(() => parseClientFrame(send({ clientId: 'short' }), 'visitor', limits))).toBe('bad_frame');
    expect(codeOf(() => parseClientFrame(send({ clientId: 'abcdefgh12', conversationId: '../x' }), 'visitor', limits))).toBe(
      'bad_frame',
    );
  });

  it('refuses negative, fractional and non-numeric seqs', () => {
    for (const seq of [-1, 1.5, '3', null]) {
      const raw = JSON.stringify({ type: 'chat.sync', conversationId: 'c1', afterSeq: seq });
      expect(codeOf(() => parseClientFrame(raw, 'visitor', limits))).toBe('bad_frame');
    }
  });

  it('refuses a resume that names too many conversations', () => {
    const resume = Object.fromEntries(Array.from({ length: limits.maxResume + 1 }, (_, i) => [`c${i}`, 0]));
    const raw = JSON.stringify({ type: 'hello', v: 1, resume });
    expect(codeOf(() => parseClientFrame(raw, 'visitor', limits))).toBe('bad_frame');
  });

  it('refuses a userHash without a userId', () => {
    const raw = JSON.stringify({ type: 'visitor.identify', userHash: 'ab' });
    expect(codeOf(() => parseClientFrame(raw, 'visitor', limits))).toBe('bad_frame');
  });

  it('validates tracked event names and props', () => {
    const ok = parseClientFrame(
      JSON.stringify({ type: 'visitor.track', event: 'checkout.started', props: { total: 12.5, vip: true } }),
      'visitor',
      limits,
    );
    expect(ok).toEqual({ type: 'visitor.track', event: 'checkout.started', props: { total: 12.5, vip: true } });
    const nested = JSON.stringify({ type: 'visitor.track', event: 'x', props: { a: { b: 1 } } });
    expect(codeOf(() => parseClientFrame(nested, 'visitor', limits))).toBe('bad_frame');
    const badName = JSON.stringify({ type: 'visitor.track', event: '<img>' });
    expect(codeOf(() => parseClientFrame(badName, 'visitor', limits))).toBe('bad_frame');
  });

  it('accepts only the known inbox views', () => {
    expect(parseClientFrame('{"type":"inbox.list","view":"mine"}', 'agent', limits)).toEqual({
      type: 'inbox.list',
      view: 'mine',
    });
    expect(codeOf(() => parseClientFrame('{"type":"inbox.list","view":"all"}', 'agent', limits))).toBe('bad_frame');
  });

  it('accepts an inbox.fetch of 1 to 100 valid ids, each once, from agents only', () => {
    expect(parseClientFrame('{"type":"inbox.fetch","conversationIds":["c1","c2","c1"]}', 'agent', limits)).toEqual({
      type: 'inbox.fetch',
      conversationIds: ['c1', 'c2'],
    });
    const ids = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `c${i}`));
    expect(parseClientFrame(`{"type":"inbox.fetch","conversationIds":${ids(100)}}`, 'agent', limits)).toMatchObject({ type: 'inbox.fetch' });
    for (const bad of ['[]', ids(101), '"c1"', '["c 1"]', '[1]', '[null]']) {
      expect(codeOf(() => parseClientFrame(`{"type":"inbox.fetch","conversationIds":${bad}}`, 'agent', limits))).toBe('bad_frame');
    }
    expect(codeOf(() => parseClientFrame('{"type":"inbox.fetch","conversationIds":["c1"]}', 'visitor', limits))).toBe('unknown_type');
  });
});

describe('parseAttributes', () => {
  it('refuses more entries than maxProps and over-long values', () => {
    const many = Object.fromEntries(Array.from({ length: limits.maxProps + 1 }, (_, i) => [`k${i}`, i]));
    expect(codeOf(() => parseAttributes(many, limits))).toBe('bad_frame');
    expect(codeOf(() => parseAttributes({ k: 'x'.repeat(limits.maxFieldLength + 1) }, limits))).toBe('bad_frame');
    expect(codeOf(() => parseAttributes({ k: Number.NaN }, limits))).toBe('bad_frame');
  });
});
