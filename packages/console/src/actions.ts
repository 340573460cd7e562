/**
 * What the screens can ask of the console. Components depend on this interface only, so they
 * render in tests with a stub and in the app with the live session.
 */
import type { InboxView } from '@parley/protocol';

/** Agent actions available to components. */
export interface ConsoleActions {
  selectView(view: InboxView): void;
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
}
