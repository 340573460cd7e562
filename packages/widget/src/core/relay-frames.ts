/**
 * Every frame the relay sends a visitor lands here and goes to the part it concerns. Handlers
 * are named after the frame they take.
 */
import type {
  ChatAckFrame,
  ChatReadOutFrame,
  ChatTypingOutFrame,
  PresenceFrame,
  ServerFrame,
  VisitorIdentifiedFrame,
  WelcomeFrame,
} from '@parley/protocol';
import { callOnFrame } from './call.js';
import { cobrowseOnWelcome, socketOnCobrowseAgent, socketOnCobrowseSnapshot, socketOnCobrowseState } from './cobrowse.js';
import type { WidgetContext } from './context.js';
import { receive, receiveReplay, takeConversations } from './conversation-sync.js';
import { flushOutbox, refuseEntry, settleAck } from './delivery.js';
import { setToken } from './session-refresh.js';

/** Routes one relay frame. */
export function socketOnFrame(ctx: WidgetContext, frame: ServerFrame): void {
  switch (frame.type) {
    case 'welcome':
      return socketOnWelcome(ctx, frame);
    case 'chat.ack':
      return socketOnAck(ctx, frame);
    case 'chat.message':
      return receive(ctx, [frame.message], true);
    case 'chat.messages':
      return receiveReplay(ctx, frame);
    case 'chat.typing':
      return socketOnTyping(ctx, frame);
    case 'chat.read':
      return socketOnRead(ctx, frame);
    case 'conversation.updated':
      return takeConversations(ctx, [frame.conversation]);
    case 'visitor.identified':
      return socketOnIdentified(ctx, frame);
    case 'presence':
      return socketOnPresence(ctx, frame);
    case 'cobrowse.state':
      return socketOnCobrowseState(ctx, frame.status);
    case 'cobrowse.snapshot':
      return socketOnCobrowseSnapshot(ctx, frame);
    case 'cobrowse.pointer':
    case 'cobrowse.control':
      return socketOnCobrowseAgent(ctx, frame);
    case 'call.state':
    case 'call.ice':
    case 'call.signal':
    case 'callback.updated':
      return callOnFrame(ctx, frame);
    case 'error':
      refuseEntry(ctx, frame);
      // A refused call or callback request: the chunk shows it (nothing to show before it loaded).
      return callOnFrame(ctx, frame, true);
    default:
      // Agent-only frames; a visitor connection never gets them.
      return;
  }
}

/** The connection is up: catch up, send what waited, and tell the host page once. */
function socketOnWelcome(ctx: WidgetContext, frame: WelcomeFrame): void {
  if (frame.visitor) ctx.visitorId = frame.visitor.id;
  if (typeof frame.agentsOnline === 'number') ctx.agentsOnline = frame.agentsOnline;
  ctx.refreshedAfterFatal = false;
  takeConversations(ctx, frame.conversations);
  cobrowseOnWelcome(ctx, frame.cobrowse ?? []);
  // A call to rejoin or a callback to show loads the chunk; a loaded chunk hears every welcome.
  callOnFrame(ctx, frame, !frame.calls?.length && !frame.callbacks?.length);
  ctx.reports.flush();
  flushOutbox(ctx);
  if (ctx.ready) return;
  ctx.ready = true;
  ctx.events.emit('ready', undefined);
}

function socketOnAck(ctx: WidgetContext, frame: ChatAckFrame): void {
  const message = settleAck(ctx, frame);
  if (message) receive(ctx, [message], true);
}

function socketOnTyping(ctx: WidgetContext, frame: ChatTypingOutFrame): void {
  if (frame.from === 'agent' && frame.conversationId === ctx.active) ctx.agentTyping.update(frame.typing);
}

/** The visitor read in another tab or on another device. */
function socketOnRead(ctx: WidgetContext, frame: ChatReadOutFrame): void {
  if (frame.by === 'visitor' && ctx.read.advance(frame.conversationId, frame.seq)) ctx.changed();
}

/** `identify` was verified: the visitor may now be another (canonical) one, with its conversations. */
function socketOnIdentified(ctx: WidgetContext, frame: VisitorIdentifiedFrame): void {
  ctx.visitorId = frame.visitor.id;
  setToken(ctx, frame.token);
  takeConversations(ctx, frame.conversations);
}

function socketOnPresence(ctx: WidgetContext, frame: PresenceFrame): void {
  ctx.agentsOnline = frame.agentsOnline;
  ctx.changed();
}
