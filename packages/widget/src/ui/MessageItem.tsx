/** One message of the list. Text is always rendered as text, never as HTML. */
import type { Strings } from '../core/i18n.js';
import type { ViewMessage } from '../core/view.js';

/** Props of {@link MessageItem}. */
export interface MessageItemProps {
  message: ViewMessage;
  strings: Strings;
}

/** A message bubble; the visitor's own carry `data-status` and a status line. */
export function MessageItem({ message: m, strings: t }: MessageItemProps) {
  const status = m.status && { sending: t.sending, sent: t.sent, failed: t.failed }[m.status];
  return (
    <div class={`msg ${m.author}`} data-status={m.status}>
      {m.author === 'agent' && <span class="author">{m.authorName || t.agent}</span>}
      {m.author === 'visitor' && <span class="sr">{t.you}: </span>}
      <p class="bubble">{m.text}</p>
      {status && <span class="status">{status}</span>}
    </div>
  );
}
