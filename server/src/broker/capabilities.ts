/**
 * The broker's capabilities, in the order their hooks run. A new capability (routing, a
 * knowledge base, reporting) is one more factory here; the broker, `hello.ts` and the actions of
 * the others stay as they are.
 */
import { conversationAssign, conversationOpen, conversationSetStatus, inboxFetch, inboxList } from './agent-actions.js';
import { callAccept, callConnected, callDecline, callEnd, callSignal, callStart } from './call/call-actions.js';
import { callbackList, callbackRequest, callbackUpdate, conversationCallbacks, visitorCallbacks } from './call/callback-actions.js';
import type { CallContext } from './call/context.js';
import { CallHub } from './call/hub.js';
import { CallDirectory } from './call/directory.js';
import { infoOf } from './call/call-state.js';
import { callLinesOnRetry, callOnLeave, callOwnerLost, callsOnHello, callTimerOnExpire } from './call/lifecycle.js';
import { extendContext, type Capability, type CapabilityFactory, type FrameOf } from './capability.js';
import type { Session } from './session.js';
import { ParleyError } from '@parley/protocol';
import { chatRead, chatSend, chatSync, chatTyping } from './chat-actions.js';
import {
  cobrowseConsent,
  cobrowseControl,
  cobrowseEnd,
  cobrowseEvents,
  cobrowseJoin,
  cobrowseLeave,
  cobrowsePointer,
  cobrowseRequest,
} from './cobrowse/cobrowse-actions.js';
import type { CobrowseContext } from './cobrowse/context.js';
import { CobrowseHub } from './cobrowse/hub.js';
import { CobrowseDirectory, resumesSharing, type SharingSpec } from './cobrowse/directory.js';
import { COBROWSE_RESUME, cobrowseLinesOnRetry, cobrowseOnHello, cobrowseOnLeave, cobrowseOnResolve, cobrowseOwnerLost, cobrowseResumeHere, sharingTimerOnExpire } from './cobrowse/lifecycle.js';
import type { PeerInfo } from './cluster/peers.js';
import { asJson } from '../bus/bus.js';
import type { BrokerContext } from './context.js';
import { TABS_MOVED, tabsMovedElsewhere, visitorIdentify, visitorPage, visitorTrack } from './visitor-actions.js';

/** Messages, typing, read receipts and catch-up, for both sides. */
export const chat: CapabilityFactory = (ctx) => ({
  name: 'chat',
  routes: {
    'chat.send': { from: 'both', handle: (session, frame) => chatSend(ctx, session, frame) },
    'chat.typing': { from: 'both', handle: (session, frame) => chatTyping(ctx, session, frame) },
    'chat.read': { from: 'both', handle: (session, frame) => chatRead(ctx, session, frame) },
    'chat.sync': { from: 'both', handle: (session, frame) => chatSync(ctx, session, frame) },
  },
});

/** The agents' inbox: opening, assigning, resolving and reopening conversations, inbox views. */
export const inbox: CapabilityFactory = (ctx) => ({
  name: 'inbox',
  routes: {
    'conversation.open': { from: 'agent', handle: (session, frame) => conversationOpen(ctx, session, frame) },
    'conversation.assign': { from: 'agent', handle: (session, frame) => conversationAssign(ctx, session, frame) },
    'conversation.resolve': { from: 'agent', handle: (session, frame) => conversationSetStatus(ctx, session, frame) },
    'conversation.reopen': { from: 'agent', handle: (session, frame) => conversationSetStatus(ctx, session, frame) },
    'inbox.list': { from: 'agent', handle: (session, frame) => inboxList(ctx, session, frame) },
    'inbox.fetch': { from: 'agent', handle: (session, frame) => inboxFetch(ctx, session, frame) },
  },
});

/** What the page tells about its visitor: identity, page views, tracked events. */
export const visitorActivity: CapabilityFactory = (ctx) => {
  const stop = ctx.bus.onControl<{ fromId: string; toId: string }>(TABS_MOVED, ({ from, body }) => {
    if (from === ctx.bus.nodeId) return;
    tabsMovedElsewhere(ctx, body.fromId, body.toId).catch((error: unknown) => ctx.log.error('moving tabs after a sign-in failed', { error }));
  });
  return {
    name: 'visitor',
    routes: {
      'visitor.identify': { from: 'visitor', handle: (session, frame) => visitorIdentify(ctx, session, frame) },
      'visitor.page': { from: 'visitor', handle: (session, frame) => visitorPage(ctx, session, frame) },
      'visitor.track': { from: 'visitor', handle: (session, frame) => visitorTrack(ctx, session, frame) },
    },
    close: stop,
  };
};

/** The co-browse frames, all about one conversation's sharing. */
type CobrowseFrameType = 'cobrowse.request' | 'cobrowse.consent' | 'cobrowse.events' | 'cobrowse.join' | 'cobrowse.leave' | 'cobrowse.pointer' | 'cobrowse.control' | 'cobrowse.end';

/** Co-browse sessions of this node, with their frames and lifecycle. */
export interface CobrowseCapability extends Capability {
  readonly hub: CobrowseHub;
}

/** Co-browse: consent, page data, watching, pointer and control, with both sides on any node. */
export function cobrowse(base: BrokerContext): CobrowseCapability {
  const hub = new CobrowseHub(base);
  const ctx: CobrowseContext = extendContext(base, { cobrowse: hub });
  const directory = new CobrowseDirectory(base.bus, base.registry, (spec, effects) => void cobrowseOwnerLost(ctx, spec, effects), () => base.now());
  hub.onDeliverVisitors = (sharing) => directory.publish(sharing);
  hub.onTimer = (sharing, event) => sharingTimerOnExpire(ctx, sharing, event);
  hub.unwritten.onRetry = (conversationId) => cobrowseLinesOnRetry(ctx, conversationId);
  const stopResume = base.bus.respond(COBROWSE_RESUME, async (body) => {
    const { peer, conversationId } = body as unknown as { peer: PeerInfo; conversationId: string };
    return cobrowseResumeHere(ctx, base.peers.proxy(peer), conversationId);
  });
  /** The sharing tab back, after a page load, on this node: the sharing's owner makes it the source again. */
  const resumeElsewhere = async (spec: SharingSpec, session: Session): Promise<boolean> => {
    if (!resumesSharing(spec, session)) return false;
    const body = asJson({ peer: base.peers.info(session), conversationId: spec.conversationId });
    const { replies } = await base.bus.request(COBROWSE_RESUME, body, { to: spec.owner });
    return replies.some((reply) => reply.ok && reply.body === true);
  };
  /** A co-browse frame: handled here unless another node owns the conversation's sharing. */
  const about =
    <T extends CobrowseFrameType>(action: (ctx: CobrowseContext, session: Session, frame: FrameOf<T>) => Promise<void>) =>
    (session: Session, frame: FrameOf<T>): Promise<void> => {
      const { conversationId } = frame as { conversationId: string };
      const remote = hub.get(conversationId) === undefined ? directory.get(conversationId) : undefined;
      if (remote && remote.owner !== base.bus.nodeId) return base.peers.forward(remote.owner, session, frame, 'cobrowse_no_consent');
      return action(ctx, session, frame);
    };
  return {
    name: 'cobrowse',
    hub,
    routes: {
      'cobrowse.request': { from: 'agent', handle: about(cobrowseRequest) },
      'cobrowse.consent': { from: 'visitor', handle: about(cobrowseConsent) },
      'cobrowse.events': { from: 'visitor', handle: about(cobrowseEvents) },
      'cobrowse.join': { from: 'agent', handle: about(cobrowseJoin) },
      'cobrowse.leave': { from: 'agent', handle: about(cobrowseLeave) },
      'cobrowse.pointer': { from: 'agent', handle: about(cobrowsePointer) },
      'cobrowse.control': { from: 'agent', handle: about(cobrowseControl) },
      'cobrowse.end': { from: 'both', handle: about(cobrowseEnd) },
    },
    // A pending prompt survives a reload, and the sharing tab takes up sharing again after one,
    // also when it comes back on another node than the sharing's.
    welcome: async (session) => {
      if (session.role !== 'visitor') return {};
      const statuses = await cobrowseOnHello(ctx, session);
      for (const spec of directory.ofVisitor(session.subjectId)) {
        statuses.push((await resumeElsewhere(spec, session)) ? spec.asSource : spec.asOther);
      }
      return { cobrowse: statuses };
    },
    detail: (conversation) => {
      const remote = hub.get(conversation.id) === undefined ? directory.get(conversation.id) : undefined;
      if (!remote) return { cobrowse: hub.agentStatus(conversation.id) };
      const { source: _source, ...status } = remote.asOther;
      return { cobrowse: { ...status, live: remote.sourceId !== null && status.view === 'active' } };
    },
    // A resolved conversation is over: so is its co-browse (its end goes on the timeline first).
    onResolve: (conversation, agentName) => cobrowseOnResolve(ctx, conversation, agentName),
    onLeave: (session) => cobrowseOnLeave(ctx, session),
    close: () => {
      stopResume();
      hub.close();
      directory.close();
    },
  };
}

/** Calls of this node, with their frames and lifecycle. */
export interface CallsCapability extends Capability {
  readonly hub: CallHub;
}

/** Click-to-call both ways: ringing, answering, signalling, ending, with participants on any node. */
export function calls(base: BrokerContext): CallsCapability {
  const hub = new CallHub(base);
  const ctx: CallContext = extendContext(base, { calls: hub });
  // The first live node writes how a call of a node that went down ended.
  const directory = new CallDirectory(base.bus, base.registry, (spec, effects) => void callOwnerLost(ctx, spec, effects), () => base.now());
  hub.onDeliver = (call, ringing) => directory.publish(call, ringing);
  hub.onTimer = (call, event) => callTimerOnExpire(ctx, call, event);
  hub.unwritten.onRetry = (conversationId) => callLinesOnRetry(ctx, conversationId);
  /** A frame about a call: handled here when this node owns it, else by its owner. */
  const about =
    <T extends 'call.accept' | 'call.decline' | 'call.connected' | 'call.end' | 'call.signal'>(
      action: (ctx: CallContext, session: Session, frame: FrameOf<T>) => Promise<void>,
    ) =>
    (session: Session, frame: FrameOf<T>): Promise<void> => {
      const { callId } = frame as { callId: string };
      const remote = hub.get(callId) === undefined ? directory.get(callId) : undefined;
      if (remote && remote.owner !== base.bus.nodeId) return base.peers.forward(remote.owner, session, frame, 'call_not_found');
      return action(ctx, session, frame);
    };
  return {
    name: 'calls',
    hub,
    routes: {
      'call.start': {
        from: 'both',
        handle: async (session, frame) => {
          // One call per conversation, wherever it lives (told only to whoever may see the conversation).
          await base.requireConversation(session, frame.conversationId);
          if (directory.ofConversation(frame.conversationId)) throw new ParleyError('call_busy');
          return callStart(ctx, session, frame);
        },
      },
      'call.accept': { from: 'both', handle: about(callAccept) },
      'call.decline': { from: 'both', handle: about(callDecline) },
      'call.connected': { from: 'both', handle: about(callConnected) },
      'call.end': { from: 'both', handle: about(callEnd) },
      'call.signal': { from: 'both', handle: about(callSignal) },
    },
    // A reconnecting participant finds its call; a call ringing for an agent rings here too.
    welcome: (session) => ({ calls: [...callsOnHello(ctx, session), ...directory.concerning(session)] }),
    detail: (conversation) => {
      const remote = directory.ofConversation(conversation.id);
      return { call: hub.ofConversation(conversation.id)?.info(false) ?? (remote ? infoOf(remote.state, false) : null) };
    },
    onLeave: (session) => callOnLeave(ctx, session),
    close: () => {
      hub.close();
      directory.close();
    },
  };
}

/** Callback requests: the visitor asks to be called, agents work the list. */
export const callbacks: CapabilityFactory = (ctx) => ({
  name: 'callbacks',
  routes: {
    'callback.request': { from: 'visitor', handle: (session, frame) => callbackRequest(ctx, session, frame) },
    'callback.update': { from: 'agent', handle: (session, frame) => callbackUpdate(ctx, session, frame) },
    'callback.list': { from: 'agent', handle: (session, frame) => callbackList(ctx, session, frame) },
  },
  // A request belongs to one of the visitor's conversations: a visitor without any (most of a
  // reconnect storm) has none, and its welcome costs no query for them.
  welcome: async (session, conversations) =>
    session.role !== 'visitor' ? {} : { callbacks: conversations.length === 0 ? [] : await visitorCallbacks(ctx, session.subjectId) },
  detail: async (conversation) => ({ callbacks: await conversationCallbacks(ctx, conversation.id) }),
});

/** Every capability of a relay, in hook order. */
export const CAPABILITIES: readonly CapabilityFactory[] = [chat, inbox, visitorActivity, cobrowse, calls, callbacks];
