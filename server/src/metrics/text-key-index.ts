/**
 * Finds the counter of an outgoing frame's type (or error code) from its JSON text, without
 * parsing it or cutting a string out of it. Every frame the relay sends is made by
 * `JSON.stringify` of an object whose first key is `type` (and an error's second is `code`), so
 * the text opens with `{"type":"<type>"` or `{"type":"error","code":"<code>"`. The key's length
 * (one `indexOf`) picks the few known keys of that length, and `startsWith` at the offset
 * confirms one. A key seen for the first time is cut out once and remembered.
 */
import type { Counter, Family } from './registry.js';

/** How many distinct keys are remembered; past this (never expected) text counts as `other`. */
const MAX_KEYS = 128;

/** The opening of every frame: its type follows. */
export const TYPE_PREFIX = '{"type":"';
/** The opening of every error frame: its code follows. */
export const ERROR_CODE_PREFIX = '{"type":"error","code":"';

/** Frame text -> the counter of the string value that follows `prefix`. */
export class TextKeyIndex {
  private readonly family: Family<Counter>;
  private readonly prefix: string;
  /** Known keys, by length. */
  private readonly byLength: { key: string; counter: Counter }[][] = [];
  private known = 0;

  constructor(family: Family<Counter>, prefix: string) {
    this.family = family;
    this.prefix = prefix;
  }

  /** The counter for `text`, or null when it does not open with the prefix. */
  counterOf(text: string): Counter | null {
    const at = this.prefix.length;
    if (!text.startsWith(this.prefix)) return null;
    const end = text.indexOf('"', at);
    if (end < 0) return null;
    const candidates = this.byLength[end - at];
    if (candidates !== undefined) {
      for (let i = 0; i < candidates.length; i++) {
        const entry = candidates[i]!;
        if (text.startsWith(entry.key, at)) return entry.counter;
      }
    }
    if (this.known >= MAX_KEYS) return this.family.of('other');
    const key = text.slice(at, end);
    const counter = this.family.of(key);
    (this.byLength[key.length] ??= []).push({ key, counter });
    this.known++;
    return counter;
  }
}
