import { describe, expect, it } from 'vitest';
import { PREVIEW_LENGTH, previewText } from './model.js';

describe('previewText', () => {
  it('keeps a text of up to PREVIEW_LENGTH characters as it is', () => {
    const exact = 'a'.repeat(PREVIEW_LENGTH);
    expect(previewText(exact)).toBe(exact);
    expect(previewText('')).toBe('');
  });

  it('cuts a longer one to PREVIEW_LENGTH characters ending in an ellipsis', () => {
    const cut = previewText('b'.repeat(PREVIEW_LENGTH + 1));
    expect(cut).toBe(`${'b'.repeat(PREVIEW_LENGTH - 1)}…`);
  });

  it('never splits a surrogate pair or ends on a space before the ellipsis', () => {
    // An emoji (two UTF-16 units) straddling the cut is left out whole.
    const emoji = previewText(`${'c'.repeat(PREVIEW_LENGTH - 2)}😀${'d'.repeat(10)}`);
    expect(emoji).toBe(`${'c'.repeat(PREVIEW_LENGTH - 2)}…`);
    // One that fits before the cut stays.
    expect(previewText(`${'c'.repeat(PREVIEW_LENGTH - 3)}😀${'d'.repeat(10)}`)).toBe(`${'c'.repeat(PREVIEW_LENGTH - 3)}😀…`);
    expect(previewText(`${'e'.repeat(PREVIEW_LENGTH - 3)}  ${'f'.repeat(10)}`)).toBe(`${'e'.repeat(PREVIEW_LENGTH - 3)}…`);
  });
});
