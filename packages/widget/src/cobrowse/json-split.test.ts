import { describe, expect, it } from 'vitest';
import { encodedBytes, splitJson } from './json-split.js';

const bytes = (slice: string) => Buffer.byteLength(JSON.stringify(slice), 'utf8');

describe('encodedBytes', () => {
  it('counts what the slice weighs once JSON-encoded and UTF-8 encoded', () => {
    for (const text of ['', 'plain', '{"a":"q\\"uote"}', 'line\nbreak\u0001', '한국어 텍스트', 'emoji 😀 pair', 'é\u2028x']) {
      expect(encodedBytes(text)).toBe(bytes(text));
    }
  });
});

describe('splitJson', () => {
  it('keeps text that fits whole', () => {
    expect(splitJson('[{"type":4}]', 1000)).toEqual(['[{"type":4}]']);
  });

  it('cuts text into slices that reassemble exactly and each fit the limit', () => {
    const text = JSON.stringify([{ type: 2, data: { html: '<p class="x">한국어 "quoted" \\ back 😀</p>'.repeat(400) } }]);
    const slices = splitJson(text, 1000);
    expect(slices.length).toBeGreaterThan(10);
    expect(slices.join('')).toBe(text);
    for (const slice of slices) expect(bytes(slice)).toBeLessThanOrEqual(1000);
  });

  it('never cuts a surrogate pair', () => {
    const slices = splitJson('😀'.repeat(50), 11);
    expect(slices.join('')).toBe('😀'.repeat(50));
    for (const slice of slices) expect(slice).toMatch(/^(?:\ud83d\ude00)+$/);
  });
});
