import { describe, expect, it } from 'vitest';
import { CALL_TEXT, CALLBACK_TEXT, endText } from './messages.js';

describe('call timeline texts', () => {
  it('names who started, answered and declined', () => {
    expect(CALL_TEXT.started('visitor', 'Ann')).toBe('The visitor started a call');
    expect(CALL_TEXT.started('agent', 'Ann')).toBe('Ann started a call');
    expect(CALL_TEXT.answered('agent', 'Ann')).toBe('Ann answered the call');
    expect(CALL_TEXT.answered('visitor', 'Ann')).toBe('The visitor answered the call');
    expect(CALL_TEXT.declined('visitor', 'Ann')).toBe('The visitor declined the call');
    expect(CALL_TEXT.declined('agent', 'Ann')).toBe('Ann declined the call');
  });

  it('says how each call ended', () => {
    expect(endText('hangup', 83_400)).toBe('Call ended · 1:23');
    expect(endText('missed', 0)).toBe('Missed call');
    expect(endText('cancelled', 0)).toBe('The call was cancelled');
    expect(endText('failed', 0)).toBe('The call could not connect');
    expect(endText('no-microphone', 0)).toBe('Call ended: no microphone');
    expect(endText('disconnected', 0)).toBe('Call ended: the connection was lost');
  });

  it('says what became of a callback request', () => {
    expect(CALLBACK_TEXT.requested('+44 20 7123 4567')).toBe('The visitor asked to be called back at +44 20 7123 4567');
    expect(CALLBACK_TEXT.claimed('Ann')).toBe('Ann will call back');
    expect(CALLBACK_TEXT.done('Ann')).toBe('Ann called back');
    expect(CALLBACK_TEXT.unreachable('Ann')).toBe('Ann could not reach the visitor');
  });
});
