/**
 * One callback task: the number to call (a `tel:` link), the visitor's preferred window in the
 * agent's local time, the note, the status, who asked, and the buttons that move it on: Claim
 * (while requested), Done and Unreachable (while open). Used by the Callbacks view and the
 * visitor panel.
 */
import type { Callback, CallbackStatus } from '@parley/protocol';
import type { ConsoleActions } from './actions.js';
import { callbackWindow, fullTime } from './format.js';

/** Props of `CallbackItem`. */
export interface CallbackItemProps {
  callback: Callback;
  /** The visitor's display name. */
  visitorName: string;
  /** The signed-in agent's id (a task they claimed reads "Claimed by you"). */
  meId: string | null;
  now: number;
  actions: Pick<ConsoleActions, 'updateCallback' | 'openConversation'>;
  /** Offer to open the task's conversation (not inside that conversation). */
  showConversationLink: boolean;
}

/** The status of a task in words. */
export function callbackStatusText(cb: Callback, meId: string | null): string {
  const who = cb.agentId !== null && cb.agentId === meId ? 'you' : cb.agentName?.trim() || 'an agent';
  const words: Record<CallbackStatus, string> = {
    requested: 'Requested',
    claimed: `Claimed by ${who}`,
    done: `Done by ${who}`,
    unreachable: `Unreachable (${who})`,
  };
  return words[cb.status];
}

const BADGE: Record<CallbackStatus, string> = { requested: 'warn', claimed: 'info', done: 'ok', unreachable: 'muted' };

/** One task. */
export function CallbackItem({ callback: cb, visitorName, meId, now, actions, showConversationLink }: CallbackItemProps) {
  const open = cb.status === 'requested' || cb.status === 'claimed';
  return (
    <li class="pc-task" data-status={cb.status} data-callback-id={cb.id}>
      <p class="pc-task-head">
        <a class="pc-task-phone" href={`tel:${cb.phone}`}>
          {cb.phone}
        </a>{' '}
        <span class={`pc-badge pc-badge--${BADGE[cb.status]}`}>{callbackStatusText(cb, meId)}</span>
      </p>
      <p class="pc-task-window">
        <span class="pc-visually-hidden">When: </span>
        {callbackWindow(cb.window, now)}
      </p>
      {cb.note && <p class="pc-task-note">{cb.note}</p>}
      <p class="pc-task-meta">
        <span title={`Asked ${fullTime(cb.createdAt)}`}>{visitorName}</span>
        {showConversationLink && (
          <>
            {' · '}
            <button type="button" class="pc-link-button" onClick={() => actions.openConversation(cb.conversationId)}>
              Open conversation
            </button>
          </>
        )}
      </p>
      {open && (
        <div class="pc-task-actions">
          {cb.status === 'requested' && (
            <button type="button" class="pc-button pc-button--small" onClick={() => actions.updateCallback(cb.id, 'claimed')}>
              Claim
            </button>
          )}
          <button type="button" class="pc-button pc-button--small" onClick={() => actions.updateCallback(cb.id, 'done')}>
            Done
          </button>
          <button type="button" class="pc-button pc-button--small" onClick={() => actions.updateCallback(cb.id, 'unreachable')}>
            Unreachable
          </button>
        </div>
      )}
    </li>
  );
}
