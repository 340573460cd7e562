import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './limits.js';
import { parseAs, refusalOf } from './guard-test-kit.js';

const limits = DEFAULT_LIMITS;

const parse = (role: 'visitor' | 'agent', frame: Record<string, unknown>) => parseAs(role, frame);
const codeOf = (role: 'visitor' | 'agent', frame: Record<string, unknown>) => refusalOf(role, frame);

const consent = { type: 'cobrowse.consent', conversationId: 'c1', requestId: 'req_12345678', granted: true, tab: 'tab_12345678' };
const events = { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream_1234', seq: 3, full: true, part: 1, parts: 2, data: '[{"type":2}]' };
const pointer = { type: 'cobrowse.pointer', conversationId: 'c1', kind: 'highlight', node: 42, x: 0.5, y: 1 };

describe('co-browse guards', () => {
  it('accepts valid visitor frames, keeping only known fields', () => {
    expect(parse('visitor', { ...consent, extra: 'dropped' })).toEqual(consent);
    expect(parse('visitor', events)).toEqual(events);
    expect(parse('visitor', { type: 'cobrowse.end', conversationId: 'c1', scope: 'control' })).toEqual({ type: 'cobrowse.end', conversationId: 'c1', scope: 'control' });
    const plain = { type: 'cobrowse.events', conversationId: 'c1', stream: 'stream_1234', seq: 0, data: '[]' };
    expect(parse('visitor', plain)).toEqual(plain);
  });

  it('accepts valid agent frames', () => {
    expect(parse('agent', { type: 'cobrowse.request', conversationId: 'c1', scope: 'view' })).toEqual({ type: 'cobrowse.request', conversationId: 'c1', scope: 'view' });
    expect(parse('agent', { type: 'cobrowse.join', conversationId: 'c1' })).toEqual({ type: 'cobrowse.join', conversationId: 'c1' });
    expect(parse('agent', { type: 'cobrowse.leave', conversationId: 'c1' })).toEqual({ type: 'cobrowse.leave', conversationId: 'c1' });
    expect(parse('agent', { ...pointer, agentName: 'forged' })).toEqual(pointer);
    const click = { type: 'cobrowse.control', conversationId: 'c1', action: 'click', node: 7, x: 0.1, y: 0.2 };
    expect(parse('agent', click)).toEqual(click);
    const scroll = { type: 'cobrowse.control', conversationId: 'c1', action: 'scroll', node: 1, x: 0, y: 2400 };
    expect(parse('agent', scroll)).toEqual(scroll);
    const input = { type: 'cobrowse.control', conversationId: 'c1', action: 'input', node: 9, value: '' };
    expect(parse('agent', input)).toEqual(input);
  });

  it.each([
    ['conversationId', { ...consent, conversationId: 'bad id!' }],
    ['requestId', { ...consent, requestId: 'short' }],
    ['granted', { ...consent, granted: 'yes' }],
    ['tab', { ...consent, tab: undefined }],
    ['scope', { type: 'cobrowse.end', conversationId: 'c1', scope: 'all' }],
    ['stream', { ...events, stream: 'x' }],
    ['seq', { ...events, seq: -1 }],
    ['seq (fraction)', { ...events, seq: 1.5 }],
    ['full', { ...events, full: 1 }],
    ['parts', { ...events, parts: 0 }],
    ['part', { ...events, part: 2 }],
    ['part without parts', { ...events, parts: undefined }],
    ['data (empty)', { ...events, data: '' }],
    ['data (not text)', { ...events, data: [1] }],
  ])('refuses a visitor frame with a bad %s as bad_frame', (_field, frame) => {
    expect(codeOf('visitor', frame)).toBe('bad_frame');
  });

  it.each([
    ['scope', { type: 'cobrowse.request', conversationId: 'c1', scope: 'everything' }],
    ['conversationId', { type: 'cobrowse.join' }],
    ['kind', { ...pointer, kind: 'laser' }],
    ['node', { ...pointer, node: 0 }],
    ['x', { ...pointer, x: 1.5 }],
    ['y', { ...pointer, y: 'top' }],
    ['action', { type: 'cobrowse.control', conversationId: 'c1', action: 'drag', node: 1 }],
    ['click x', { type: 'cobrowse.control', conversationId: 'c1', action: 'click', node: 1, x: 2, y: 0 }],
    ['scroll y', { type: 'cobrowse.control', conversationId: 'c1', action: 'scroll', node: 1, x: 0 }],
    ['input value', { type: 'cobrowse.control', conversationId: 'c1', action: 'input', node: 1 }],
    ['input length', { type: 'cobrowse.control', conversationId: 'c1', action: 'input', node: 1, value: 'x'.repeat(limits.maxTextLength + 1) }],
  ])('refuses an agent frame with a bad %s as bad_frame', (_field, frame) => {
    expect(codeOf('agent', frame)).toBe('bad_frame');
  });

  it('refuses agent co-browse types from a visitor and visitor ones from an agent as unknown_type', () => {
    for (const type of ['cobrowse.request', 'cobrowse.join', 'cobrowse.leave', 'cobrowse.pointer', 'cobrowse.control']) {
      expect(codeOf('visitor', { ...pointer, type, scope: 'view', action: 'click' })).toBe('unknown_type');
    }
    expect(codeOf('agent', consent)).toBe('unknown_type');
    expect(codeOf('agent', events)).toBe('unknown_type');
    // Relay-only frames are never accepted from anyone.
    for (const role of ['visitor', 'agent'] as const) {
      expect(codeOf(role, { type: 'cobrowse.state', status: {} })).toBe('unknown_type');
      expect(codeOf(role, { type: 'cobrowse.snapshot', conversationId: 'c1' })).toBe('unknown_type');
    }
  });
});
