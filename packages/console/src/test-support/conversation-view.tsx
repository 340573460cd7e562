/** Renders the conversation view of a console state into a test's root, as the app would. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { ConversationView } from '../ConversationView.js';
import type { ConsoleState } from '../store/state.js';
import { recordingActions } from './actions.js';

/** Renders (or re-renders) `state` into `root`; returns the actions the view may call. */
export function showConversation(root: HTMLElement, state: ConsoleState, actions = recordingActions()) {
  act(() => {
    render(
      <ConversationView state={state} actions={actions} drafts={new Map()} now={5_000} detailsOpen={false} onToggleDetails={() => undefined} onEscape={() => undefined} />,
      root,
    );
  });
  return actions;
}
