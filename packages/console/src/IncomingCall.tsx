/**
 * The incoming-call prompt, shown over any screen of the console while a visitor's call rings
 * for this agent: an alert dialog named "<Visitor> is calling" with Accept and Decline. It does
 * not take the focus: an agent typing a reply must not answer a call with a stray key press.
 */
import type { CallInfo } from '@parley/protocol';
import type { ConsoleActions } from './actions.js';

/** Props of `IncomingCall`. */
export interface IncomingCallProps {
  call: CallInfo;
  /** The name the visitor gave, if any. */
  visitorName: string | null;
  actions: Pick<ConsoleActions, 'acceptCall' | 'declineCall'>;
  /** The agent is in another call: it must hang up before it can answer. */
  busy?: boolean;
}

/** "Dana is calling", or "A visitor is calling" when the visitor gave no name. */
export function incomingCallTitle(visitorName: string | null): string {
  const name = visitorName?.trim();
  return name ? `${name} is calling` : 'A visitor is calling';
}

/** The ringing prompt. */
export function IncomingCall({ call, visitorName, actions, busy = false }: IncomingCallProps) {
  return (
    <div class="pc-ring" role="alertdialog" aria-labelledby="pc-ring-title" aria-describedby="pc-ring-text">
      <span class="pc-ring-icon" aria-hidden="true" />
      <div class="pc-ring-body">
        <p id="pc-ring-title" class="pc-ring-title">
          {incomingCallTitle(visitorName)}
        </p>
        <p id="pc-ring-text" class="pc-ring-text">
          {busy ? 'Voice call from the website. Hang up your call to answer it.' : 'Voice call from the website'}
        </p>
      </div>
      <div class="pc-ring-actions">
        <button type="button" class="pc-button pc-button--primary pc-button--accept" disabled={busy} onClick={() => actions.acceptCall(call.callId)}>
          Accept
        </button>
        <button type="button" class="pc-button pc-button--danger" onClick={() => actions.declineCall(call.callId)}>
          Decline
        </button>
      </div>
    </div>
  );
}
