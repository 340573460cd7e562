/**
 * The left column: the inbox views with live counts, and the conversations of the chosen view,
 * newest first. Rows are buttons; Arrow keys, Home and End move between them, Enter opens. The
 * last view, Callbacks, lists the open callback tasks instead.
 */
import type { ConversationSummary, InboxView } from '@parley/protocol';
import { INBOX_VIEWS } from '@parley/protocol';
import type { ConsoleActions } from './actions.js';
import { CallbacksView } from './CallbacksView.js';
import { fullTime, relativeTime, visitorDisplayName } from './format.js';
import { activityAt, conversationsInView, isUnread, VIEW_LABELS, viewCounts } from './store/selectors.js';
import { openCallbackCount } from './store/call-selectors.js';
import type { ConsoleState } from './store/state.js';

/** Props of `Inbox`. */
export interface InboxProps {
  state: ConsoleState;
  actions: Pick<ConsoleActions, 'selectView' | 'openConversation' | 'updateCallback'>;
  now: number;
}

const EMPTY_TEXT: Record<InboxView, string> = {
  waiting: 'Nobody is waiting. New conversations appear here.',
  mine: 'No open conversations are assigned to you.',
  open: 'No open conversations.',
  resolved: 'No closed conversations yet.',
};

/** Where the visitor is, in words: read out with the row, shown as its mark's tooltip. */
function presenceText(c: ConversationSummary): string | null {
  if (c.visitorOnline === undefined) return null;
  return c.visitorOnline ? 'On the site' : 'Left the site';
}

/**
 * The row's preview: the last words of a person (a system line only before anyone wrote, as
 * for a callback request). An agent's are marked, the visitor's are not.
 */
function lastLine(c: ConversationSummary): string {
  const last = c.lastMessage;
  if (!last) return 'No messages yet';
  return last.author === 'agent' ? `You: ${last.text}` : last.text;
}

function listOnKeyDown(event: KeyboardEvent): void {
  const list = event.currentTarget as HTMLElement;
  const rows = [...list.querySelectorAll<HTMLButtonElement>('button.pc-row')];
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  let next = -1;
  if (event.key === 'ArrowDown') next = Math.min(rows.length - 1, at + 1);
  else if (event.key === 'ArrowUp') next = Math.max(0, at - 1);
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = rows.length - 1;
  else return;
  event.preventDefault();
  rows[next]?.focus();
}

/** The inbox column. */
export function Inbox({ state, actions, now }: InboxProps) {
  const counts = viewCounts(state);
  const rows = conversationsInView(state);
  const view = state.view;
  // One row is in the tab order (the open one, else the first); arrows reach the rest.
  const tabStop = rows.some((c) => c.id === state.selectedId) ? state.selectedId : rows[0]?.id;

  return (
    <section class="pc-inbox" aria-labelledby="pc-inbox-title">
      <h2 id="pc-inbox-title" class="pc-visually-hidden">
        Conversations
      </h2>
      <nav aria-label="Inbox" class="pc-views">
        <ul>
          {INBOX_VIEWS.map((view) => (
            <li key={view}>
              <button
                type="button"
                class="pc-view"
                aria-current={state.view === view ? 'page' : undefined}
                onClick={() => actions.selectView(view)}
              >
                <span class="pc-view-label">{VIEW_LABELS[view]}</span> <span class="pc-count">{counts[view]}</span>
              </button>
            </li>
          ))}
          <li>
            <button
              type="button"
              class="pc-view pc-view--callbacks"
              aria-current={view === 'callbacks' ? 'page' : undefined}
              onClick={() => actions.selectView('callbacks')}
            >
              <span class="pc-view-label">Callbacks</span> <span class="pc-count">{openCallbackCount(state)}</span>
            </button>
          </li>
        </ul>
      </nav>
      {view === 'callbacks' ? (
        <CallbacksView state={state} actions={actions} now={now} />
      ) : rows.length === 0 ? (
        <p class="pc-empty">{EMPTY_TEXT[view]}</p>
      ) : (
        <ul class="pc-list" aria-label={`${VIEW_LABELS[view]} conversations`} onKeyDown={listOnKeyDown}>
          {rows.map((c) => {
            const unread = isUnread(c);
            const at = activityAt(c);
            const presence = presenceText(c);
            return (
              <li key={c.id}>
                <button
                  type="button"
                  class={`pc-row${unread ? ' pc-row--unread' : ''}`}
                  data-conversation-id={c.id}
                  aria-current={c.id === state.selectedId ? 'true' : undefined}
                  tabIndex={c.id === tabStop ? 0 : -1}
                  onClick={() => actions.openConversation(c.id)}
                >
                  {/* Spaces between the parts keep the button's accessible name readable. */}
                  <span class="pc-row-name">
                    {presence && (
                      // A filled dot or a hollow ring: the shape tells it as well as the colour.
                      <span
                        class={`pc-row-presence${c.visitorOnline ? ' pc-row-presence--on' : ''}`}
                        title={presence}
                        aria-hidden="true"
                      />
                    )}
                    {visitorDisplayName(c.visitorName, c.visitorId)}
                  </span>{' '}
                  {presence && <span class="pc-visually-hidden">{`(${presence.toLowerCase()})`}</span>}{' '}
                  <span class="pc-row-text">{lastLine(c)}</span>{' '}
                  <time class="pc-row-time" dateTime={new Date(at).toISOString()} title={fullTime(at)}>
                    {relativeTime(at, now)}
                  </time>{' '}
                  {unread && (
                    <span class="pc-dot">
                      <span class="pc-visually-hidden">Unread</span>
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
