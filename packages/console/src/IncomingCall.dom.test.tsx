import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { IncomingCall } from './IncomingCall.js';
import { recordingActions } from './test-support/actions.js';
import { byRole, useRenderRoot } from './test-support/dom.js';
import { callInfo } from './test-support/fixtures.js';

const root = useRenderRoot();

describe('IncomingCall', () => {
  it('is an alert dialog named after the visitor, with Accept and Decline', () => {
    const actions = recordingActions();
    render(<IncomingCall call={callInfo()} visitorName="Dana Lee" actions={actions} />, root());
    const dialog = byRole(root(), 'alertdialog', 'Dana Lee is calling');
    byRole(dialog, 'button', 'Accept').click();
    byRole(dialog, 'button', 'Decline').click();
    expect(actions.calls).toEqual([
      ['acceptCall', 'call-0000000001'],
      ['declineCall', 'call-0000000001'],
    ]);
  });

  it('says a visitor is calling when the visitor gave no name', () => {
    render(<IncomingCall call={callInfo()} visitorName={null} actions={recordingActions()} />, root());
    expect(byRole(root(), 'alertdialog', 'A visitor is calling')).toBeTruthy();
  });
});

describe('IncomingCall while the agent is in another call', () => {
  it('cannot be accepted until the agent hangs up', () => {
    render(<IncomingCall call={callInfo()} visitorName="Dana Lee" actions={recordingActions()} busy />, root());
    const dialog = byRole(root(), 'alertdialog', 'Dana Lee is calling');
    expect((byRole(dialog, 'button', 'Accept') as HTMLButtonElement).disabled).toBe(true);
    expect(dialog.textContent).toContain('Hang up your call to answer it.');
  });
});
