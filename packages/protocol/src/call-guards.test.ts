import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './limits.js';
import { parseAs, refusalOf } from './guard-test-kit.js';

const parse = (role: 'visitor' | 'agent', frame: Record<string, unknown>) => parseAs(role, frame);
const codeOf = (role: 'visitor' | 'agent', frame: Record<string, unknown>) => refusalOf(role, frame);

const offer = { type: 'call.signal', callId: 'call_12345678', signal: { kind: 'offer', sdp: 'v=0\r\n' } };
const candidate = {
  type: 'call.signal',
  callId: 'call_12345678',
  signal: { kind: 'ice', candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 },
};
const request = {
  type: 'callback.request',
  clientId: 'cb_12345678',
  conversationId: 'c1',
  phone: '020 7123 4567',
  country: 'GB',
  window: { from: 1000, to: 2000 },
  note: 'After lunch',
};

describe('call guards', () => {
  it('accepts the call frames both roles send, keeping only known fields', () => {
    for (const role of ['visitor', 'agent'] as const) {
      expect(parse(role, { type: 'call.start', conversationId: 'c1', callId: 'call_12345678', extra: 1 })).toEqual({ type: 'call.start', conversationId: 'c1', callId: 'call_12345678' });
      for (const type of ['call.accept', 'call.decline', 'call.connected']) expect(parse(role, { type, callId: 'call_12345678' })).toEqual({ type, callId: 'call_12345678' });
      expect(parse(role, { type: 'call.end', callId: 'call_12345678', reason: 'no-microphone' })).toEqual({ type: 'call.end', callId: 'call_12345678', reason: 'no-microphone' });
      expect(parse(role, offer)).toEqual(offer);
      expect(parse(role, candidate)).toEqual(candidate);
    }
    const endOfCandidates = { ...candidate, signal: { kind: 'ice', candidate: '', sdpMid: null, sdpMLineIndex: null } };
    expect(parse('visitor', endOfCandidates)).toEqual(endOfCandidates);
  });

  it('accepts a callback request, trimming the number and the note, and the agent callback frames', () => {
    expect(parse('visitor', { ...request, phone: ' 020 7123 4567 ', note: '  After lunch  ' })).toEqual(request);
    expect(parse('visitor', { type: 'callback.request', clientId: 'cb_12345678', phone: '+44 20 7123 4567', note: '   ' })).toEqual({
      type: 'callback.request',
      clientId: 'cb_12345678',
      phone: '+44 20 7123 4567',
    });
    expect(parse('agent', { type: 'callback.update', callbackId: 'cb1', status: 'claimed' })).toEqual({ type: 'callback.update', callbackId: 'cb1', status: 'claimed' });
    expect(parse('agent', { type: 'callback.list', filter: 'all' })).toEqual({ type: 'callback.list', filter: 'all' });
  });

  it.each([
    ['callId', { type: 'call.accept', callId: 'short' }],
    ['conversationId', { type: 'call.start', conversationId: 'bad id!', callId: 'call_12345678' }],
    ['end reason the relay decides', { type: 'call.end', callId: 'call_12345678', reason: 'missed' }],
    ['signal kind', { ...offer, signal: { kind: 'bye' } }],
    ['empty sdp', { ...offer, signal: { kind: 'answer', sdp: '' } }],
    ['oversize sdp', { ...offer, signal: { kind: 'offer', sdp: 'x'.repeat(16 * 1024 + 1) } }],
    ['oversize candidate', { ...candidate, signal: { ...candidate.signal, candidate: 'x'.repeat(1025) } }],
    ['sdpMLineIndex', { ...candidate, signal: { ...candidate.signal, sdpMLineIndex: -1 } }],
    ['sdpMid', { ...candidate, signal: { ...candidate.signal, sdpMid: 5 } }],
    ['phone letters', { ...request, phone: 'call me' }],
    ['phone too short', { ...request, phone: '12' }],
    ['country', { ...request, country: 'gb' }],
    ['window order', { ...request, window: { from: 2000, to: 1000 } }],
    ['window time', { ...request, window: { from: -1, to: 1000 } }],
    ['note length', { ...request, note: 'x'.repeat(DEFAULT_LIMITS.maxTextLength + 1) }],
    ['clientId', { ...request, clientId: 'x' }],
  ])('refuses a bad %s with bad_frame', (_name, frame) => {
    expect(codeOf('visitor', frame)).toBe('bad_frame');
  });

  it('refuses a callback status or list filter it does not know', () => {
    expect(codeOf('agent', { type: 'callback.update', callbackId: 'cb1', status: 'requested' })).toBe('bad_frame');
    expect(codeOf('agent', { type: 'callback.list', filter: 'mine' })).toBe('bad_frame');
  });

  it('keeps each role to its own callback frames', () => {
    expect(codeOf('agent', request)).toBe('unknown_type');
    expect(codeOf('visitor', { type: 'callback.update', callbackId: 'cb1', status: 'done' })).toBe('unknown_type');
    expect(codeOf('visitor', { type: 'callback.list', filter: 'open' })).toBe('unknown_type');
  });
});
