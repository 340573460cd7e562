import { COBROWSE_MASK } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { isMaskedField, maskInputValue, maskText } from './masking.js';

function field(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body.firstElementChild as HTMLElement;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('maskInputValue', () => {
  const mask = maskInputValue(['#plan', '.public', '[name="secret-ok"]', 'input[type="hidden"]', 'not a selector ((']);

  it('hides every field value behind the same fixed-length mask', () => {
    for (const html of ['<input id="card">', '<input type="email">', '<textarea></textarea>', '<select></select>', '<input type="number">']) {
      expect(mask('4111 1111 1111 1111', field(html))).toBe(COBROWSE_MASK);
      expect(mask('x', field(html))).toBe(COBROWSE_MASK);
    }
  });

  it('shows the value of fields the site unmasked', () => {
    expect(mask('Pro plan', field('<input id="plan">'))).toBe('Pro plan');
    expect(mask('hello', field('<textarea class="public"></textarea>'))).toBe('hello');
    expect(mask('monthly', field('<select class="public"></select>'))).toBe('monthly');
  });

  it('never unmasks password or hidden inputs, whatever the selectors say', () => {
    expect(mask('hunter2', field('<input type="password" class="public">'))).toBe(COBROWSE_MASK);
    expect(mask('csrf-token', field('<input type="hidden" name="secret-ok">'))).toBe(COBROWSE_MASK);
    expect(mask('hunter2', field('<input type="text" id="plan" data-rr-is-password="true">'))).toBe(COBROWSE_MASK);
  });

  it('keeps button labels and blank values as they are', () => {
    expect(mask('Pay now', field('<input type="submit">'))).toBe('Pay now');
    expect(mask('', field('<input id="card">'))).toBe('');
  });
});

describe('isMaskedField', () => {
  it('ignores malformed selectors instead of throwing', () => {
    expect(isMaskedField(field('<input id="plan">'), ['((', '#plan'])).toBe(false);
    expect(isMaskedField(field('<input id="card">'), ['(('])).toBe(true);
  });
});

describe('maskText', () => {
  it('masks text with a fixed length and leaves white space alone', () => {
    expect(maskText('Ada Lovelace, 12 Main St')).toBe(COBROWSE_MASK);
    expect(maskText('a')).toBe(COBROWSE_MASK);
    expect(maskText('\n  ')).toBe('\n  ');
  });
});
