/**
 * The call bar: a region named "Call" under the top bar while this agent takes part in a call,
 * whatever conversation is on screen. Ringing out: "Calling…" and Cancel call. Answered: the
 * running time, the connection-quality hint, Mute and Hang up. The visitor's voice plays from
 * its audio element.
 */
import type { CallInfo } from '@parley/protocol';
import { useEffect, useRef } from 'preact/hooks';
import type { ConsoleActions } from './actions.js';
import { QUALITY_TEXT } from './call/quality.js';
import { callDuration } from './format.js';
import { useNow } from './hooks.js';
import type { CallMediaState } from './store/state.js';

/** Props of `CallBar`. */
export interface CallBarProps {
  call: CallInfo;
  /** The agent's microphone and link; null when this tab holds no media (reloaded mid-call). */
  media: CallMediaState | null;
  visitorName: string;
  /** Whether the call's conversation is the one on screen. */
  onScreen: boolean;
  /** Relay clock minus this browser's clock. */
  clockOffset: number;
  actions: Pick<ConsoleActions, 'endCall' | 'muteCall' | 'attachCallAudio' | 'openConversation'>;
}

function RemoteAudio({ actions }: { actions: CallBarProps['actions'] }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    actions.attachCallAudio(ref.current);
    return () => actions.attachCallAudio(null);
  }, []);
  return <audio ref={ref} autoplay class="pc-call-audio" />;
}

function statusText(call: CallInfo, media: CallMediaState | null): string {
  if (call.phase === 'ringing') return call.caller === 'agent' ? 'Calling…' : 'Connecting…';
  if (!media) return 'Audio is not connected in this tab';
  if (media.microphone === 'pending') return 'Waiting for your microphone…';
  return call.phase === 'active' ? 'On a call' : 'Connecting…';
}

/** The call bar. */
export function CallBar({ call, media, visitorName, onScreen, clockOffset, actions }: CallBarProps) {
  const now = useNow(1000);
  const ringingOut = call.phase === 'ringing' && call.caller === 'agent';
  const answered = call.answeredAt !== null && call.phase !== 'ringing';
  const muted = media?.muted ?? false;
  return (
    <section class="pc-call" aria-label="Call" data-phase={call.phase}>
      <span class="pc-call-icon" aria-hidden="true" />
      <p class="pc-call-who">
        {onScreen ? (
          <span class="pc-call-name">{visitorName}</span>
        ) : (
          <button type="button" class="pc-link-button pc-call-name" onClick={() => actions.openConversation(call.conversationId)}>
            {visitorName}
          </button>
        )}
      </p>
      <p class="pc-call-status" role="status">
        {statusText(call, media)}
      </p>
      {answered && (
        <span class="pc-call-timer" role="timer" aria-label="Call duration">
          {callDuration(now + clockOffset - call.answeredAt!)}
        </span>
      )}
      {media?.quality && call.phase === 'active' && <span class={`pc-call-quality pc-call-quality--${media.quality}`}>{QUALITY_TEXT[media.quality]}</span>}
      <span class="pc-spacer" />
      {ringingOut ? (
        <button type="button" class="pc-button pc-button--small pc-button--danger" onClick={() => actions.endCall(call.callId)}>
          Cancel call
        </button>
      ) : (
        <>
          {media && (
            <button
              type="button"
              class="pc-button pc-button--small pc-toggle-button"
              aria-pressed={muted}
              onClick={() => actions.muteCall(call.callId, !muted)}
            >
              Mute
            </button>
          )}
          <button type="button" class="pc-button pc-button--small pc-button--hangup" onClick={() => actions.endCall(call.callId)}>
            Hang up
          </button>
        </>
      )}
      {media && <RemoteAudio actions={actions} />}
    </section>
  );
}
