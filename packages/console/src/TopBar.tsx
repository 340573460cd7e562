/**
 * The console's top bar: brand, connection status, the Sound toggle, the agent and Sign out.
 */
import type { ConsoleActions } from './actions.js';
import type { ConnectionStatus, ConsoleState } from './store/state.js';

/** Props of `TopBar`. */
export interface TopBarProps {
  state: ConsoleState;
  actions: Pick<ConsoleActions, 'reconnectNow'>;
  soundOn: boolean;
  onToggleSound(): void;
  onSignOut(): void;
}

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** The console's top bar. */
export function TopBar({ state, actions, soundOn, onToggleSound, onSignOut }: TopBarProps) {
  const status = state.connection;
  return (
    <header class="pc-top">
      <div class="pc-brand">
        <span class="pc-brand-mark" aria-hidden="true" />
        Parley
      </div>
      <p class={`pc-conn pc-conn--${status}`} role="status" data-connection={status}>
        <span class="pc-conn-dot" aria-hidden="true" />
        {STATUS_TEXT[status]}
        {status === 'online' && state.agentsOnline > 0 && (
          <span class="pc-conn-extra"> · {state.agentsOnline === 1 ? '1 agent online' : `${state.agentsOnline} agents online`}</span>
        )}
      </p>
      {status === 'reconnecting' && (
        <button type="button" class="pc-button pc-button--ghost pc-button--small" onClick={() => actions.reconnectNow()}>
          Retry now
        </button>
      )}
      <span class="pc-spacer" />
      <button
        type="button"
        class="pc-button pc-button--ghost pc-button--small pc-toggle"
        aria-pressed={soundOn}
        title={soundOn ? 'A sound plays when a conversation starts waiting' : 'New conversations are silent'}
        onClick={onToggleSound}
      >
        <span class="pc-toggle-box" aria-hidden="true" />
        Sound
      </button>
      {state.me && (
        <span class="pc-me" title={state.me.email}>
          {state.me.name}
        </span>
      )}
      <button type="button" class="pc-button pc-button--small" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
