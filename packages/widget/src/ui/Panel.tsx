/**
 * The chat panel: header, connection banner, message log, typing line and composer. When chat
 * cannot work on this page (`unavailable`: the relay refused it), it says so and nothing else:
 * no reply-time promise, no call button, no composer, no message claiming to retry.
 */
import type { ComponentChildren, Ref } from 'preact';
import type { WidgetView } from '../core/view.js';
import { Composer } from './Composer.js';
import { CloseIcon, PhoneIcon } from './Icons.js';
import { MessageList } from './MessageList.js';

/** Props of {@link Panel}. */
export interface PanelProps {
  view: WidgetView;
  draft: string;
  inputRef: Ref<HTMLTextAreaElement>;
  onDraft: (text: string) => void;
  onSend: (text: string) => void;
  onClose: () => void;
  /** A question for the visitor shown above the messages (the co-browse prompt). */
  prompt?: ComponentChildren;
  /** The visitor pressed `Start a call`. */
  onCall: () => void;
  /** Receives the element the call chunk shows its UI in. */
  callSlot: Ref<HTMLDivElement>;
}

/** The dialog named "Chat"; Escape closes it. */
export function Panel({ view, draft, inputRef, onDraft, onSend, onClose, prompt, onCall, callSlot }: PanelProps) {
  const stopped = view.connectivity === 'unavailable';
  const t = stopped ? { ...view.strings, empty: '', failed: view.strings.notSent } : view.strings;
  const online = view.agentsOnline > 0;
  const banner =
    view.connectivity === 'reconnecting' ? t.reconnecting
    : view.connectivity === 'offline' ? t.offline
    : stopped ? t.unavailable
    : '';
  const panelOnKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    onClose();
  };
  return (
    <section id="parley-panel" class="panel" role="dialog" aria-label={t.chat} onKeyDown={panelOnKeyDown}>
      <div class="header">
        <div class="heading">
          <h2 class="title">{t.title}</h2>
          {!stopped && (
            <p class="subtitle">
              <span class={online ? 'dot on' : 'dot'} aria-hidden="true" />
              {view.agentsOnline === 0 ? t.away : t.replyTime}
            </p>
          )}
        </div>
        {!stopped && (
          <button
            type="button"
            class="icon-button"
            aria-label={t.startCall}
            title={view.callable ? undefined : t.messageFirst}
            disabled={!view.callable}
            onClick={onCall}
          >
            <PhoneIcon />
          </button>
        )}
        <button type="button" class="icon-button" aria-label={t.closeChat} onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <div class="banner" role="status">
        {banner}
      </div>
      {prompt}
      <div ref={callSlot} />
      <MessageList messages={view.messages} strings={t} />
      <div class="typing" role="status">
        {view.agentTyping ? t.agentTyping : ''}
      </div>
      {!stopped && (
        <Composer
          draft={draft}
          maxLength={view.maxTextLength}
          strings={t}
          inputRef={inputRef}
          onDraft={onDraft}
          onSend={onSend}
        />
      )}
    </section>
  );
}
