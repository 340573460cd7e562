/**
 * The reply box: Enter sends, Shift+Enter adds a line. Drafts survive switching conversations.
 * Typing is reported through the session's throttle; Escape hands focus back to the inbox.
 */
import type { Ref } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleActions } from './actions.js';

/** Props of `Composer`. */
export interface ComposerProps {
  conversationId: string;
  actions: Pick<ConsoleActions, 'sendReply' | 'typingInput' | 'typingStop'>;
  /** Unsent text by conversation, kept by the app across conversation switches. */
  drafts: Map<string, string>;
  placeholder: string;
  maxLength: number;
  textareaRef?: Ref<HTMLTextAreaElement>;
  /** Escape pressed in the reply box. */
  onEscape?(): void;
}

/** The reply form of the conversation view. */
export function Composer({ conversationId, actions, drafts, placeholder, maxLength, textareaRef, onEscape }: ComposerProps) {
  const [text, setText] = useState(drafts.get(conversationId) ?? '');

  useEffect(() => {
    setText(drafts.get(conversationId) ?? '');
  }, [conversationId, drafts]);

  const update = (value: string) => {
    setText(value);
    if (value) drafts.set(conversationId, value);
    else drafts.delete(conversationId);
  };

  const submit = () => {
    if (!text.trim()) return;
    actions.sendReply(conversationId, text);
    update('');
  };

  const textareaOnKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape') {
      onEscape?.();
    }
  };

  const textareaOnInput = (event: Event) => {
    const value = (event.currentTarget as HTMLTextAreaElement).value;
    update(value);
    if (value.trim()) actions.typingInput(conversationId);
    else actions.typingStop();
  };

  return (
    <form
      class="pc-composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label class="pc-visually-hidden" for="pc-reply">
        Reply
      </label>
      <textarea
        id="pc-reply"
        ref={textareaRef}
        class="pc-reply"
        rows={3}
        maxLength={maxLength}
        placeholder={placeholder}
        value={text}
        onInput={textareaOnInput}
        onKeyDown={textareaOnKeyDown}
        onBlur={() => actions.typingStop()}
      />
      <div class="pc-composer-bar">
        <span class="pc-hint" aria-hidden="true">
          Enter to send · Shift+Enter for a new line
        </span>
        <button type="submit" class="pc-button pc-button--primary" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
