/**
 * The call and callback lines of the conversation timeline. Each is stored as a system message,
 * so both sides see it and it stays in the record (who called, who answered, how it ended and
 * how long it lasted; who asked to be called back, and what became of it).
 */
import { formatCallDuration, type CallEndReason, type CallParty } from '@parley/protocol';

/** System message texts, by event. `agent` is the acting agent's display name. */
export const CALL_TEXT = {
  started: (caller: CallParty, agent: string): string => (caller === 'visitor' ? 'The visitor started a call' : `${agent} started a call`),
  answered: (by: CallParty, agent: string): string => (by === 'visitor' ? 'The visitor answered the call' : `${agent} answered the call`),
  declined: (by: CallParty, agent: string): string => (by === 'visitor' ? 'The visitor declined the call' : `${agent} declined the call`),
  missed: 'Missed call',
  hungUp: (durationMs: number): string => `Call ended · ${formatCallDuration(durationMs)}`,
  cancelled: 'The call was cancelled',
  failed: 'The call could not connect',
  noMicrophone: 'Call ended: no microphone',
  disconnected: 'Call ended: the connection was lost',
} as const;

/** The timeline line of a call that ended for `reason` (`declined` is written by the decline itself). */
export function endText(reason: Exclude<CallEndReason, 'declined'>, durationMs: number): string {
  switch (reason) {
    case 'hangup':
      return CALL_TEXT.hungUp(durationMs);
    case 'cancelled':
      return CALL_TEXT.cancelled;
    case 'missed':
      return CALL_TEXT.missed;
    case 'no-microphone':
      return CALL_TEXT.noMicrophone;
    case 'failed':
      return CALL_TEXT.failed;
    case 'disconnected':
      return CALL_TEXT.disconnected;
  }
}

/** Callback lines. `number` is the phone in international format, `agent` the acting agent's name. */
export const CALLBACK_TEXT = {
  requested: (number: string): string => `The visitor asked to be called back at ${number}`,
  claimed: (agent: string): string => `${agent} will call back`,
  done: (agent: string): string => `${agent} called back`,
  unreachable: (agent: string): string => `${agent} could not reach the visitor`,
} as const;
