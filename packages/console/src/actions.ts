/**
 * What the screens can ask of the console. Components depend on this interface only, so they
 * render in tests with a stub and in the app with the live session.
 */
import type { CallbackUpdateFrame, CobrowsePointerKind, CobrowseScope } from '@parley/protocol';
import type { CobrowseControlInput, CobrowseWatcher } from './cobrowse-channel.js';
import type { ConsoleView } from './store/state.js';

/** Agent actions available to components. */
export interface ConsoleActions {
  /** Shows a view of conversations, or the callback tasks (which asks the relay for them). */
  selectView(view: ConsoleView): void;
  openConversation(conversationId: string): void;
  closeConversation(): void;
  sendReply(conversationId: string, text: string): void;
  retryReply(clientId: string): void;
  discardReply(clientId: string): void;
  assignToMe(conversationId: string): void;
  resolve(conversationId: string): void;
  reopen(conversationId: string): void;
  /** A key was pressed in the reply box. */
  typingInput(conversationId: string): void;
  /** The reply box was emptied or left. */
  typingStop(): void;
  dismissNotice(): void;
  reconnectNow(): void;
  /** Asks the visitor to share the page (`view`) or, while sharing, to allow `control`. */
  requestCobrowse(conversationId: string, scope: CobrowseScope): void;
  /** Stops co-browsing (`view`; cancels a pending request too) or remote control only. */
  endCobrowse(conversationId: string, scope: CobrowseScope): void;
  /** Joins the shared page and feeds its data to `watcher`; the returned function leaves. */
  watchCobrowse(conversationId: string, watcher: CobrowseWatcher): () => void;
  /** The viewer lost its place in the page data: join again for a fresh checkpoint. */
  resyncCobrowse(conversationId: string): void;
  /** Shows the agent's pointer or a highlight on element `node` of the visitor's page. */
  pointCobrowse(conversationId: string, kind: CobrowsePointerKind, node: number, x: number, y: number): void;
  /** Clicks, scrolls or types on the visitor's page (remote control). */
  controlCobrowse(conversationId: string, input: CobrowseControlInput): void;
  /** Rings the conversation's visitor (the agent's microphone is asked for at once). */
  startCall(conversationId: string): void;
  /** Answers a call ringing for this agent. */
  acceptCall(callId: string): void;
  /** Refuses a call ringing for this agent. */
  declineCall(callId: string): void;
  /** Hangs up (or cancels a call this agent started that still rings). */
  endCall(callId: string): void;
  /** Mutes (no audio leaves) or unmutes the agent in the call. */
  muteCall(callId: string, muted: boolean): void;
  /** Where the visitor's voice plays; null when the element goes away. */
  attachCallAudio(element: HTMLAudioElement | null): void;
  /** Claims a callback task, or closes it as done or unreachable. */
  updateCallback(callbackId: string, status: CallbackUpdateFrame['status']): void;
}
