/**
 * The middle column: the open conversation's header (visitor, state, Assign to me / Resolve /
 * Reopen, Ask to see page, Call visitor), its message log, the visitor's typing line and the reply box. While
 * the visitor shares their page, the co-browse section takes the main area beside the chat, which
 * stays usable. Opening a conversation moves focus to the reply box.
 */
import type { CallInfo } from '@parley/protocol';
import { DEFAULT_LIMITS } from '@parley/protocol';
import { useEffect, useRef } from 'preact/hooks';
import type { ConsoleActions } from './actions.js';
import { CobrowsePanel } from './CobrowsePanel.js';
import { Composer } from './Composer.js';
import { visitorDisplayName } from './format.js';
import { MessageList } from './MessageList.js';
import { callOf, myCall } from './store/call-selectors.js';
import { cobrowseOf, visitorTyping } from './store/selectors.js';
import type { ConsoleState } from './store/state.js';

/** Props of `ConversationView`. */
export interface ConversationViewProps {
  state: ConsoleState;
  actions: ConsoleActions;
  drafts: Map<string, string>;
  now: number;
  /** Whether the visitor panel is shown on narrow screens (it is always shown on wide ones). */
  detailsOpen: boolean;
  onToggleDetails(): void;
  /** Escape in the reply box: the app returns focus to the inbox row. */
  onEscape(): void;
}

function statusLabel(state: ConsoleState, conversationId: string): string {
  const c = state.conversations[conversationId];
  if (!c) return '';
  if (c.status === 'resolved') return 'Resolved';
  if (!c.assigneeId) return 'Waiting';
  if (c.assigneeId === state.me?.id) return 'Assigned to you';
  return `Assigned to ${c.assigneeName?.trim() || 'another agent'}`;
}

/** The header's word on the conversation's call. */
function callBadge(call: CallInfo): string {
  if (call.phase === 'ringing') return call.caller === 'visitor' ? 'Visitor calling' : 'Ringing the visitor';
  if (call.mine) return 'On a call with you';
  return call.agentName ? `On a call with ${call.agentName}` : 'On a call';
}

/** Why the agent cannot call this conversation's visitor now, or null when it can. */
function callBlockedReason(state: ConsoleState, conversationId: string): string | null {
  if (state.connection !== 'online') return 'Not connected to the relay';
  if (callOf(state, conversationId)) return 'A call is under way in this conversation';
  if (myCall(state) || state.callMedia) return 'You are already in a call';
  const c = state.conversations[conversationId];
  const ctx = c ? state.visitors[c.visitorId] : undefined;
  if (!ctx?.profile.online) return 'The visitor is offline';
  return null;
}

/** The conversation column. */
export function ConversationView({ state, actions, drafts, now, detailsOpen, onToggleDetails, onEscape }: ConversationViewProps) {
  const id = state.selectedId;
  const replyRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // The agent opened this conversation to answer it: put the cursor where the answer goes.
    if (id) replyRef.current?.focus();
  }, [id]);

  if (!id) {
    return (
      <main class="pc-conv pc-conv--empty" aria-label="Conversation">
        <div class="pc-placeholder">
          <p class="pc-placeholder-title">No conversation selected</p>
          <p>Pick one from the inbox. Use the arrow keys to move through the list and Enter to open.</p>
        </div>
      </main>
    );
  }

  const c = state.conversations[id];
  const name = c ? visitorDisplayName(c.visitorName, c.visitorId) : 'Visitor';
  const open = c?.status === 'open';
  const mine = c?.assigneeId !== null && c?.assigneeId === state.me?.id;
  const typing = visitorTyping(state, id, now);
  const statusText = statusLabel(state, id);
  const cobrowse = cobrowseOf(state, id);
  const sharing = cobrowse.view === 'active';
  const callBlocked = callBlockedReason(state, id);
  const call = callOf(state, id);

  return (
    <main class={`pc-conv${sharing ? ' pc-conv--cobrowse' : ''}`} aria-labelledby="pc-conv-title">
      <header class="pc-conv-head">
        <button type="button" class="pc-button pc-button--ghost pc-back" onClick={() => actions.closeConversation()}>
          <span aria-hidden="true">‹ </span>Back to inbox
        </button>
        <div class="pc-conv-title-wrap">
          <h1 id="pc-conv-title" class="pc-conv-title">
            {name}
          </h1>
          {statusText && (
            <span class={`pc-badge pc-badge--${c?.status === 'resolved' ? 'muted' : c?.assigneeId ? 'info' : 'warn'}`}>{statusText}</span>
          )}
          {call && <span class="pc-badge pc-badge--ok">{callBadge(call)}</span>}
        </div>
        <div class="pc-conv-actions">
          {open && !mine && (
            <button type="button" class="pc-button" onClick={() => actions.assignToMe(id)}>
              Assign to me
            </button>
          )}
          {open && (
            <button type="button" class="pc-button" onClick={() => actions.resolve(id)}>
              Resolve
            </button>
          )}
          {open && cobrowse.view === 'off' && (
            <button type="button" class="pc-button" onClick={() => actions.requestCobrowse(id, 'view')}>
              Ask to see page
            </button>
          )}
          {open && (
            <button
              type="button"
              class="pc-button"
              disabled={callBlocked !== null}
              title={callBlocked ?? 'Ring the visitor in the widget (voice call)'}
              onClick={() => actions.startCall(id)}
            >
              Call visitor
            </button>
          )}
          {c?.status === 'resolved' && (
            <button type="button" class="pc-button" onClick={() => actions.reopen(id)}>
              Reopen
            </button>
          )}
          <button type="button" class="pc-button pc-button--ghost pc-details-toggle" aria-expanded={detailsOpen} aria-controls="pc-visitor" onClick={onToggleDetails}>
            Details
          </button>
        </div>
      </header>
      {cobrowse.view === 'requested' && (
        <div class="pc-cobrowse-wait">
          <p role="status">Waiting for the visitor to share their page</p>
          <button type="button" class="pc-button pc-button--small" onClick={() => actions.endCobrowse(id, 'view')}>
            Cancel request
          </button>
        </div>
      )}
      <div class="pc-conv-body">
        {sharing && <CobrowsePanel key={id} conversationId={id} status={cobrowse} actions={actions} />}
        <div class="pc-chat">
          <MessageList state={state} conversationId={id} actions={actions} now={now} />
          <p class="pc-typing" aria-live="polite">
            {typing ? 'Visitor is typing…' : ''}
          </p>
          <Composer
            conversationId={id}
            actions={actions}
            drafts={drafts}
            placeholder={`Reply to ${name}`}
            maxLength={DEFAULT_LIMITS.maxTextLength}
            textareaRef={replyRef}
            onEscape={onEscape}
          />
        </div>
      </div>
    </main>
  );
}
