/**
 * The message box: Enter sends, Shift+Enter adds a line, and Enter that ends an IME composition
 * (Korean, Japanese, Chinese input) only commits the characters. A counter appears near the
 * length limit.
 */
import type { Ref } from 'preact';
import type { Strings } from '../core/i18n.js';

/** Props of {@link Composer}. */
export interface ComposerProps {
  draft: string;
  maxLength: number;
  strings: Strings;
  inputRef: Ref<HTMLTextAreaElement>;
  onDraft: (text: string) => void;
  /** Called with the text to send (read from the field itself, never a stale render). */
  onSend: (text: string) => void;
}

/** The counter shows once fewer than this many characters remain. */
const COUNTER_FROM = 200;
const MAX_ROWS = 5;

/** The textarea ("Message") and the "Send" button. */
export function Composer({ draft, maxLength, strings: t, inputRef, onDraft, onSend }: ComposerProps) {
  const left = maxLength - draft.trim().length;
  const canSend = draft.trim().length > 0 && left >= 0;
  const rows = Math.min(MAX_ROWS, draft.split('\n').length);
  const submit = (text: string) => {
    const body = text.trim();
    if (body && body.length <= maxLength) onSend(body);
  };
  const formOnSubmit = (event: Event) => {
    event.preventDefault();
    const field = (event.currentTarget as HTMLFormElement).querySelector('textarea');
    if (field) submit(field.value);
  };
  const inputOnKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit((event.currentTarget as HTMLTextAreaElement).value);
  };
  return (
    <form class="composer" onSubmit={formOnSubmit}>
      <div class="field">
        <textarea
          ref={inputRef}
          class="input"
          rows={rows}
          aria-label={t.message}
          aria-describedby={left < COUNTER_FROM ? 'parley-counter' : undefined}
          aria-invalid={left < 0}
          placeholder={t.placeholder}
          value={draft}
          onInput={(event) => onDraft(event.currentTarget.value)}
          onKeyDown={inputOnKeyDown}
        />
        {left < COUNTER_FROM && (
          <span id="parley-counter" class={left < 0 ? 'counter over' : 'counter'}>
            {left < 0 ? t.tooLong(-left) : t.charactersLeft(left)}
          </span>
        )}
      </div>
      <button type="submit" class="send" aria-disabled={!canSend}>
        {t.send}
      </button>
    </form>
  );
}
