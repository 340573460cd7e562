/**
 * The Callbacks view of the inbox column: the open callback tasks, the one due soonest first,
 * kept current by `callback.updated`. The session asks the relay for the list when it is shown.
 */
import type { Callback } from '@parley/protocol';
import type { ConsoleActions } from './actions.js';
import { CallbackItem } from './CallbackItem.js';
import { visitorDisplayName } from './format.js';
import { openCallbacks } from './store/call-selectors.js';
import type { ConsoleState } from './store/state.js';

/** Props of `CallbacksView`. */
export interface CallbacksViewProps {
  state: ConsoleState;
  actions: Pick<ConsoleActions, 'updateCallback' | 'openConversation'>;
  now: number;
}

/** The name agents see for the visitor who asked for `cb`. */
export function callbackVisitorName(state: ConsoleState, cb: Callback): string {
  const name = state.visitors[cb.visitorId]?.profile.name ?? state.conversations[cb.conversationId]?.visitorName ?? null;
  return visitorDisplayName(name, cb.visitorId);
}

/** The open callback tasks. */
export function CallbacksView({ state, actions, now }: CallbacksViewProps) {
  const tasks = openCallbacks(state);
  if (tasks.length === 0) return <p class="pc-empty">No callbacks to make. Visitors' requests appear here.</p>;
  return (
    <ul class="pc-list pc-tasks" role="list" aria-label="Callback tasks">
      {tasks.map((cb) => (
        <CallbackItem
          key={cb.id}
          callback={cb}
          visitorName={callbackVisitorName(state, cb)}
          meId={state.me?.id ?? null}
          now={now}
          actions={actions}
          showConversationLink
        />
      ))}
    </ul>
  );
}
