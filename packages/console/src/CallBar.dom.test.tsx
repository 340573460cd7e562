import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import type { CallInfo } from '@parley/protocol';
import { CallBar } from './CallBar.js';
import type { CallMediaState } from './store/state.js';
import { recordingActions } from './test-support/actions.js';
import { allByRole, byRole, useRenderRoot } from './test-support/dom.js';
import { callInfo } from './test-support/fixtures.js';

const root = useRenderRoot();
const media = (overrides: Partial<CallMediaState> = {}): CallMediaState => ({
  callId: 'call-0000000001',
  microphone: 'ready',
  muted: false,
  quality: 'good',
  ...overrides,
});

function show(call: CallInfo, m: CallMediaState | null, actions = recordingActions(), onScreen = true) {
  act(() => {
    render(<CallBar call={call} media={m} visitorName="Dana Lee" onScreen={onScreen} clockOffset={0} actions={actions} />, root());
  });
  return actions;
}

const bar = () => byRole(root(), 'region', 'Call');

describe('CallBar', () => {
  it('says Calling… with Cancel call while the agent’s call rings out', () => {
    const actions = show(callInfo({ caller: 'agent', mine: true }), media({ quality: null }));
    expect(byRole(bar(), 'status').textContent).toBe('Calling…');
    expect(allByRole(bar(), 'timer')).toHaveLength(0);
    expect(allByRole(bar(), 'button', 'Hang up')).toHaveLength(0);
    byRole(bar(), 'button', 'Cancel call').click();
    expect(actions.calls).toContainEqual(['endCall', 'call-0000000001']);
  });

  it('shows the running time from the answer, the quality, Mute and Hang up once answered', () => {
    const answeredAt = Date.now() - 65_000;
    const actions = show(callInfo({ phase: 'active', mine: true, answeredAt }), media());
    expect(byRole(bar(), 'timer').textContent).toBe('1:05');
    expect(bar().textContent).toContain('Good connection');
    const mute = byRole(bar(), 'button', 'Mute');
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    mute.click();
    byRole(bar(), 'button', 'Hang up').click();
    expect(actions.calls).toContainEqual(['muteCall', 'call-0000000001', true]);
    expect(actions.calls).toContainEqual(['endCall', 'call-0000000001']);
  });

  it('shows Mute pressed while muted, and unmutes', () => {
    const actions = show(callInfo({ phase: 'active', mine: true, answeredAt: Date.now() }), media({ muted: true, quality: 'weak' }));
    const mute = byRole(bar(), 'button', 'Mute');
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    expect(bar().textContent).toContain('Weak connection');
    mute.click();
    expect(actions.calls).toContainEqual(['muteCall', 'call-0000000001', false]);
  });

  it('says it is connecting while the link is made', () => {
    show(callInfo({ phase: 'connecting', mine: true, answeredAt: Date.now() }), media({ quality: null }));
    expect(byRole(bar(), 'status').textContent).toBe('Connecting…');
    expect(bar().textContent).not.toContain('connection');
  });

  it('plays the visitor through an autoplay audio element handed to the session, and lets go of it', () => {
    const actions = show(callInfo({ phase: 'active', mine: true, answeredAt: Date.now() }), media());
    const audio = bar().querySelector('audio')!;
    expect(audio.autoplay).toBe(true);
    expect(actions.calls).toContainEqual(['attachCallAudio', audio]);
    act(() => render(null, root()));
    expect(actions.calls.at(-1)).toEqual(['attachCallAudio', null]);
  });

  it('offers only Hang up in a tab that holds no audio for the call', () => {
    show(callInfo({ phase: 'active', mine: true, answeredAt: Date.now() }), null);
    expect(byRole(bar(), 'status').textContent).toBe('Audio is not connected in this tab');
    expect(allByRole(bar(), 'button', 'Mute')).toHaveLength(0);
    expect(byRole(bar(), 'button', 'Hang up')).toBeTruthy();
  });

  it('opens the call’s conversation from the visitor’s name when another one is on screen', () => {
    const actions = show(callInfo({ phase: 'active', mine: true, answeredAt: Date.now() }), media(), recordingActions(), false);
    byRole(bar(), 'button', 'Dana Lee').click();
    expect(actions.calls).toContainEqual(['openConversation', 'c1']);
  });
});
