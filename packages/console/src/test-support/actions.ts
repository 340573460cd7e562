/**
 * A recording stand-in for the session's actions, for component tests.
 */
import type { ConsoleActions } from '../actions.js';

/** Every call made, as [method, ...args]; `leaveCobrowse` is a call of what `watchCobrowse` returned. */
export type Calls = Array<[keyof ConsoleActions | 'leaveCobrowse', ...unknown[]]>;

/** Actions that only record what the component asked for. */
export function recordingActions(calls: Calls = []): ConsoleActions & { calls: Calls } {
  const record =
    (name: keyof ConsoleActions) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  return {
    calls,
    selectView: record('selectView'),
    openConversation: record('openConversation'),
    closeConversation: record('closeConversation'),
    sendReply: record('sendReply'),
    retryReply: record('retryReply'),
    discardReply: record('discardReply'),
    assignToMe: record('assignToMe'),
    resolve: record('resolve'),
    reopen: record('reopen'),
    typingInput: record('typingInput'),
    typingStop: record('typingStop'),
    dismissNotice: record('dismissNotice'),
    reconnectNow: record('reconnectNow'),
    requestCobrowse: record('requestCobrowse'),
    endCobrowse: record('endCobrowse'),
    watchCobrowse: (...args: unknown[]) => {
      calls.push(['watchCobrowse', ...args]);
      return () => {
        calls.push(['leaveCobrowse', args[0]]);
      };
    },
    resyncCobrowse: record('resyncCobrowse'),
    pointCobrowse: record('pointCobrowse'),
    controlCobrowse: record('controlCobrowse'),
    startCall: record('startCall'),
    acceptCall: record('acceptCall'),
    declineCall: record('declineCall'),
    endCall: record('endCall'),
    muteCall: record('muteCall'),
    attachCallAudio: record('attachCallAudio'),
    updateCallback: record('updateCallback'),
  };
}
