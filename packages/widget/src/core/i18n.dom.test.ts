import { afterEach, describe, expect, it, vi } from 'vitest';
import { pickLanguage, strings } from './i18n.js';

describe('pickLanguage', () => {
  afterEach(() => vi.restoreAllMocks());

  it('follows the browser when nothing is requested', () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['ko-KR', 'en-US']);
    expect(pickLanguage()).toBe('ko');
  });

  it('prefers the requested language over the browser', () => {
    expect(pickLanguage('en', ['ko-KR'])).toBe('en');
    expect(pickLanguage('ko', ['en-US'])).toBe('ko');
  });

  it('skips languages it does not speak', () => {
    expect(pickLanguage('fr', ['de-DE', 'ko'])).toBe('ko');
    expect(pickLanguage(undefined, ['ja', 'fr'])).toBe('en');
  });
});

describe('strings', () => {
  it('has every English string in Korean too', () => {
    const en = strings('en');
    const ko = strings('ko');
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(ko[key]).not.toEqual(en[key]);
  });

  it('keeps the accessible names the end-to-end tests rely on', () => {
    const t = strings('en');
    expect([t.openChat, t.closeChat, t.chat, t.messages, t.message, t.send]).toEqual([
      'Open chat', 'Close chat', 'Chat', 'Messages', 'Message', 'Send',
    ]);
    expect([t.sending, t.sent, t.failed, t.agentTyping, t.unread(3)]).toEqual([
      'Sending…', 'Sent', 'Not sent, retrying…', 'Agent is typing…', '3 unread',
    ]);
  });

  it('speaks Korean', () => {
    expect(strings('ko').send).toBe('보내기');
    expect(strings('ko').unread(2)).toBe('읽지 않은 메시지 2개');
  });
});
