/**
 * Splits a batch's JSON text into slices whose frames stay under the relay's frame limit. What
 * counts is the slice as it travels: JSON-encoded again inside the frame (quotes and backslashes
 * doubled) and then UTF-8 encoded, so the cost of every character is measured that way. A
 * surrogate pair is never cut, so every slice is well-formed text.
 */

/** Bytes a UTF-16 code unit takes once JSON-escaped and UTF-8 encoded (pairs: 2 per half). */
function unitCost(code: number, paired: boolean): number {
  if (code === 0x22 || code === 0x5c) return 2;
  if (code < 0x20) return code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return paired ? 2 : 6;
  return 3;
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** UTF-8 bytes of `text` once written as a JSON string (with its two quotes). */
export function encodedBytes(text: string): number {
  let total = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isHigh(code) && isLow(text.charCodeAt(i + 1))) {
      total += 4;
      i++;
    } else {
      total += unitCost(code, false);
    }
  }
  return total;
}

/**
 * Cuts `text` into slices whose JSON-encoded UTF-8 size (quotes included) is at most `maxBytes`.
 * Text that fits is returned whole, as one slice.
 */
export function splitJson(text: string, maxBytes: number): string[] {
  // Room for the worst single character (a pair or an escape) keeps every slice non-empty.
  const budget = Math.max(maxBytes - 2, 6);
  const slices: string[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    const pair = isHigh(code) && isLow(text.charCodeAt(i + 1));
    const width = pair ? 2 : 1;
    const cost = pair ? 4 : unitCost(code, false);
    if (used + cost > budget && i > start) {
      slices.push(text.slice(start, i));
      start = i;
      used = 0;
    }
    used += cost;
    i += width;
  }
  slices.push(text.slice(start));
  return slices;
}
