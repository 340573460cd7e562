/**
 * The console application: the sign-in screen while signed out, the three-column console while
 * signed in. Owns the token, the sound preference, the tab title, the chime and the ring of
 * incoming calls; shows the call bar and the incoming-call prompt over every screen.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LoginResult } from './api.js';
import { login as defaultLogin, logout as defaultLogout } from './api.js';
import { CallBar } from './CallBar.js';
import type { CallMedia } from './call/media.js';
import { Chime } from './chime.js';
import { ConversationView } from './ConversationView.js';
import { useNow, useStoreState } from './hooks.js';
import { Inbox } from './Inbox.js';
import { IncomingCall } from './IncomingCall.js';
import { clearOutbox, loadOutbox, loadSoundOn, loadToken, saveSoundOn, saveToken } from './local-store.js';
import { ConsoleSession } from './session.js';
import type { WebSocketLike } from './socket.js';
import { incomingCall, myCall } from './store/call-selectors.js';
import { cobrowseOf, documentTitle } from './store/selectors.js';
import { visitorDisplayName } from './format.js';
import { initialState } from './store/state.js';
import { createStore } from './store/store.js';
import { SignIn } from './SignIn.js';
import { readTokenClaims } from './token.js';
import { TopBar } from './TopBar.js';
import { VisitorPanel } from './VisitorPanel.js';

/** Seams for tests; the page uses the defaults. */
export interface AppProps {
  createWebSocket?(url: string): WebSocketLike;
  login?: typeof defaultLogin;
  logout?: typeof defaultLogout;
  /** The microphone and peer links of calls (the browser's WebRTC by default). */
  callMedia?: CallMedia;
}

/** How often an incoming call rings again while it is not answered, in milliseconds. */
export const RING_EVERY_MS = 3000;

/** The title of the signed-out page (and of the console when nothing waits unseen). */
const BASE_TITLE = 'Parley console';

/** The whole console. */
export function App({ createWebSocket, login, logout = defaultLogout, callMedia }: AppProps) {
  const [token, setToken] = useState<string | null>(() => loadToken());
  const [message, setMessage] = useState<string | null>(null);

  const signInOnSuccess = (result: LoginResult) => {
    saveToken(result.token);
    setMessage(null);
    setToken(result.token);
  };

  const end = (reason: string | null) => {
    // Signing out on purpose ends the session on the relay as well; an expired one is over already.
    if (reason === null && token) void logout(token);
    saveToken(null);
    // Leaving on purpose drops unsent replies; an expired session keeps them for the same agent.
    if (reason === null) clearOutbox();
    setMessage(reason);
    setToken(null);
    document.title = BASE_TITLE;
  };

  if (!token) return <SignIn onSignedIn={signInOnSuccess} message={message} login={login} />;
  return <ConsoleScreen key={token} token={token} createWebSocket={createWebSocket} callMedia={callMedia} onEnd={end} />;
}

interface ConsoleScreenProps {
  token: string;
  createWebSocket?: AppProps['createWebSocket'];
  callMedia?: CallMedia;
  /** Signed out: `reason` null when the agent asked, else the message for the sign-in screen. */
  onEnd(reason: string | null): void;
}

function focusRow(conversationId: string | null): void {
  const rows = [...document.querySelectorAll<HTMLElement>('button.pc-row')];
  const row = rows.find((r) => r.dataset.conversationId === conversationId) ?? rows[0];
  row?.focus();
}

function ConsoleScreen({ token, createWebSocket, callMedia, onEnd }: ConsoleScreenProps) {
  const [soundOn, setSoundOn] = useState(loadSoundOn);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const soundRef = useRef(soundOn);
  soundRef.current = soundOn;
  const drafts = useMemo(() => new Map<string, string>(), []);
  const chime = useMemo(() => new Chime(), []);
  const store = useMemo(() => createStore(initialState(loadOutbox(readTokenClaims(token)?.sub ?? ''))), [token]);
  const session = useMemo(
    () =>
      new ConsoleSession({
        token,
        store,
        location: window.location,
        createWebSocket,
        onSignedOut: (reason) => onEnd(reason),
        onNewWaiting: () => {
          if (soundRef.current) chime.play();
        },
        isVisible: () => document.visibilityState !== 'hidden',
        callMedia,
      }),
    [token, store],
  );
  const state = useStoreState(store);
  const now = useNow(15_000);

  useEffect(() => {
    // Works without a gesture where the browser already trusts this site; else the first click does it.
    chime.unlock();
    session.start();
    const documentOnVisibilityChange = () => session.visibilityChanged();
    const windowOnOnline = () => session.reconnectNow();
    // Audio may only start after a gesture; any click or key press unlocks the chime.
    const windowOnGesture = () => chime.unlock();
    document.addEventListener('visibilitychange', documentOnVisibilityChange);
    window.addEventListener('online', windowOnOnline);
    window.addEventListener('pointerdown', windowOnGesture, true);
    window.addEventListener('keydown', windowOnGesture, true);
    return () => {
      session.stop();
      document.removeEventListener('visibilitychange', documentOnVisibilityChange);
      window.removeEventListener('online', windowOnOnline);
      window.removeEventListener('pointerdown', windowOnGesture, true);
      window.removeEventListener('keydown', windowOnGesture, true);
    };
  }, [session]);

  useEffect(() => {
    document.title = documentTitle(state);
  }, [state]);

  // Typing indicators expire by time; re-render when the soonest one runs out.
  const [, setTick] = useState(0);
  useEffect(() => {
    const times = Object.values(state.typing).filter((t) => t > Date.now());
    if (!times.length) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.min(...times) - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [state.typing]);

  // An incoming call rings until it is answered, declined or over (when sound is on), but not
  // into the ear of an agent already talking to someone.
  const ringing = incomingCall(state);
  const call = myCall(state);
  const ringingId = ringing && !call ? ringing.callId : null;
  useEffect(() => {
    if (!ringingId || !soundOn) return;
    chime.ring();
    const timer = setInterval(() => chime.ring(), RING_EVERY_MS);
    return () => clearInterval(timer);
  }, [ringingId, soundOn]);
  const callConversation = call ? state.conversations[call.conversationId] : undefined;

  const toggleSound = () => {
    const next = !soundOn;
    setSoundOn(next);
    saveSoundOn(next);
    if (next) {
      chime.unlock();
      chime.play();
    }
  };

  const signOut = () => {
    session.stop();
    onEnd(null);
  };

  // While a page is shared the viewer needs the room: the visitor panel becomes a drawer.
  const cobrowsing = state.selectedId !== null && cobrowseOf(state, state.selectedId).view === 'active';

  return (
    <div class="pc-app" data-selected={state.selectedId ? 'true' : 'false'} data-cobrowse={cobrowsing ? 'true' : 'false'}>
      <TopBar state={state} actions={session} soundOn={soundOn} onToggleSound={toggleSound} onSignOut={signOut} />
      {state.notice && (
        <div class="pc-notice" role="alert">
          <span>{state.notice}</span>
          <button type="button" class="pc-button pc-button--ghost pc-button--small" onClick={() => session.dismissNotice()}>
            Dismiss
          </button>
        </div>
      )}
      {call && (
        <CallBar
          call={call}
          media={state.callMedia?.callId === call.callId ? state.callMedia : null}
          visitorName={callConversation ? visitorDisplayName(callConversation.visitorName, callConversation.visitorId) : 'Visitor'}
          onScreen={state.selectedId === call.conversationId}
          clockOffset={state.clockOffset}
          actions={session}
        />
      )}
      {ringing && (
        <IncomingCall call={ringing} visitorName={state.conversations[ringing.conversationId]?.visitorName ?? null} actions={session} busy={call !== null} />
      )}
      <div class="pc-columns">
        <Inbox state={state} actions={session} now={now} />
        <ConversationView
          state={state}
          actions={session}
          drafts={drafts}
          now={Date.now()}
          detailsOpen={detailsOpen}
          onToggleDetails={() => setDetailsOpen((v) => !v)}
          onEscape={() => focusRow(state.selectedId)}
        />
        <VisitorPanel state={state} actions={session} now={now} open={detailsOpen} />
      </div>
    </div>
  );
}
