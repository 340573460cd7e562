import { describe, expect, it } from 'vitest';
import { cobrowseStrings } from './strings.js';

describe('cobrowseStrings', () => {
  it('has every English string in Korean too', () => {
    const en = cobrowseStrings('en');
    const ko = cobrowseStrings('ko');
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(ko[key]).not.toEqual(en[key]);
  });

  it('keeps the accessible names the end-to-end tests rely on', () => {
    const t = cobrowseStrings('en');
    expect([t.share, t.allowControl, t.notNow, t.sharing, t.stopSharing, t.stopControl]).toEqual([
      'Share this page', 'Allow control', 'Not now', 'Screen sharing', 'Stop sharing', 'Stop control',
    ]);
    expect(t.askView('Mina')).toBe('Mina wants to see this page');
  });

  it('speaks Korean', () => {
    const t = cobrowseStrings('ko');
    expect([t.share, t.notNow, t.stopSharing]).toEqual(['이 페이지 공유', '나중에', '공유 중지']);
    expect(t.viewing('Mina')).toBe('Mina님이 이 페이지를 보고 있습니다');
  });
});
