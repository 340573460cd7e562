/**
 * The message log of one conversation: every message as plain text (never HTML), author and
 * time; system events centred; the agent's own replies with their delivery status; unacked
 * replies from the outbox at the end. `role="log"` makes screen readers announce new messages.
 */
import type { Message } from '@parley/protocol';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ConsoleActions } from './actions.js';
import { fullTime, messageTime, visitorDisplayName } from './format.js';
import { isOwnMessage } from './store/selectors.js';
import type { ConsoleState, PendingMessage } from './store/state.js';

/** Props of `MessageList`. */
export interface MessageListProps {
  state: ConsoleState;
  conversationId: string;
  actions: Pick<ConsoleActions, 'retryReply' | 'discardReply'>;
  now: number;
}

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_SLACK_PX = 80;

function authorName(state: ConsoleState, m: Message, visitorName: string): string {
  if (m.author === 'visitor') return visitorName;
  if (isOwnMessage(state, m)) return 'You';
  return m.authorName?.trim() || 'Agent';
}

function PendingStatus({ pending, actions }: { pending: PendingMessage; actions: MessageListProps['actions'] }) {
  if (pending.status === 'sending') return <span class="pc-msg-status">Sending…</span>;
  if (!pending.permanent) return <span class="pc-msg-status pc-msg-status--failed">Not sent, retrying…</span>;
  return (
    <span class="pc-msg-status pc-msg-status--failed">
      Not sent{pending.error ? `: ${pending.error}` : ''}{' '}
      <button type="button" class="pc-link-button" onClick={() => actions.retryReply(pending.clientId)}>
        Retry
      </button>{' '}
      <button type="button" class="pc-link-button" onClick={() => actions.discardReply(pending.clientId)}>
        Discard
      </button>
    </span>
  );
}

/** The conversation's message log. */
export function MessageList({ state, conversationId, actions, now }: MessageListProps) {
  const logRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const conversation = state.conversations[conversationId];
  const messages = state.messages[conversationId];
  const pending = state.outbox.filter((p) => p.conversationId === conversationId);
  const visitorName = conversation ? visitorDisplayName(conversation.visitorName, conversation.visitorId) : 'Visitor';
  const count = (messages?.length ?? 0) + pending.length;

  useLayoutEffect(() => {
    const log = logRef.current;
    if (log && following.current) log.scrollTop = log.scrollHeight;
  }, [count, conversationId]);

  useLayoutEffect(() => {
    following.current = true;
  }, [conversationId]);

  const logOnScroll = () => {
    const log = logRef.current;
    if (log) following.current = log.scrollHeight - log.scrollTop - log.clientHeight < FOLLOW_SLACK_PX;
  };

  return (
    <div class="pc-log" role="log" aria-label="Messages" aria-live="polite" ref={logRef} onScroll={logOnScroll} tabIndex={0}>
      {!messages && <p class="pc-log-loading">Loading messages…</p>}
      {messages?.length === 0 && pending.length === 0 && <p class="pc-log-loading">No messages yet.</p>}
      {messages?.map((m) => {
        if (m.author === 'system') {
          return (
            <p key={m.seq} class="pc-msg pc-msg--system" data-seq={m.seq} data-author="system">
              <span class="pc-msg-text">{m.text}</span>{' '}
              <time dateTime={new Date(m.at).toISOString()} title={fullTime(m.at)}>
                {messageTime(m.at, now)}
              </time>
            </p>
          );
        }
        const own = isOwnMessage(state, m);
        const seen = own && conversation !== undefined && conversation.visitorReadSeq >= m.seq;
        return (
          <article
            key={m.seq}
            class={`pc-msg pc-msg--${m.author}${own ? ' pc-msg--own' : ''}`}
            data-seq={m.seq}
            data-author={m.author}
            data-status={own ? 'sent' : undefined}
          >
            <header class="pc-msg-meta">
              <span class="pc-msg-author">{authorName(state, m, visitorName)}</span>
              <time dateTime={new Date(m.at).toISOString()} title={fullTime(m.at)}>
                {messageTime(m.at, now)}
              </time>
            </header>
            <p class="pc-msg-text">{m.text}</p>
            {own && <span class="pc-msg-status">{seen ? 'Seen' : 'Sent'}</span>}
          </article>
        );
      })}
      {pending.map((p) => (
        <article key={p.clientId} class="pc-msg pc-msg--agent pc-msg--own pc-msg--pending" data-status={p.status} data-client-id={p.clientId}>
          <header class="pc-msg-meta">
            <span class="pc-msg-author">You</span>
            <time dateTime={new Date(p.createdAt).toISOString()}>{messageTime(p.createdAt, now)}</time>
          </header>
          <p class="pc-msg-text">{p.text}</p>
          <PendingStatus pending={p} actions={actions} />
        </article>
      ))}
    </div>
  );
}
