/**
 * The message log. `role="log"` makes screen readers announce new messages politely; it keeps
 * the view pinned to the newest message unless the visitor scrolled up to read.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Strings } from '../core/i18n.js';
import type { ViewMessage } from '../core/view.js';
import { MessageItem } from './MessageItem.js';

/** Props of {@link MessageList}. */
export interface MessageListProps {
  messages: readonly ViewMessage[];
  strings: Strings;
}

/** How close to the bottom (px) still counts as "reading the newest". */
const STICKY_PX = 80;

/** The list of messages, oldest first. */
export function MessageList({ messages, strings: t }: MessageListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    // The visitor's own new message always brings the view down to it.
    if (el && (pinned.current || messages[messages.length - 1]?.author === 'visitor')) el.scrollTop = el.scrollHeight;
  }, [messages]);
  const logOnScroll = () => {
    const el = ref.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  };
  return (
    <div
      ref={ref}
      class="log"
      role="log"
      aria-label={t.messages}
      aria-live="polite"
      aria-relevant="additions"
      tabIndex={0}
      onScroll={logOnScroll}
    >
      {messages.length === 0 && <p class="empty">{t.empty}</p>}
      {messages.map((m) => (
        <MessageItem key={m.key} message={m} strings={t} />
      ))}
    </div>
  );
}
