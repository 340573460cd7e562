/**
 * Co-browse frames: an agent asks (`cobrowse.request`), the visitor answers
 * (`cobrowse.consent`), the source tab streams the page (`cobrowse.events`), agents watch
 * (`cobrowse.join` / `cobrowse.leave`), point (`cobrowse.pointer`) and, with a second consent,
 * control (`cobrowse.control`); either side stops (`cobrowse.end`).
 *
 * Every frame names a conversation the connection may act on (`ctx.requireConversation`: a
 * visitor only their own). Page data, pointer and control frames are forwarded only while the
 * visitor's consent lasts; otherwise they are refused and nothing is forwarded.
 */
import {
  ParleyError,
  type CobrowseConsentFrame,
  type CobrowseControlFrame,
  type CobrowseEndFrame,
  type CobrowseEventsFrame,
  type CobrowseJoinFrame,
  type CobrowseLeaveFrame,
  type CobrowsePointerFrame,
  type CobrowseRequestFrame,
  type CobrowseStatus,
  type ServerFrame,
} from '@parley/protocol';
import { followConversation } from '../agent-actions.js';
import type { CobrowseContext } from './context.js';
import type { Session } from '../session.js';
import { cobrowseKey, endSharing, requestTimerOnExpire } from './lifecycle.js';
import { COBROWSE_TEXT } from './messages.js';
import type { Sharing } from './sharing.js';

const NOT_SHARING = 'The visitor is not sharing this page; nothing was forwarded.';

async function agentName(ctx: CobrowseContext, session: Session): Promise<string> {
  return (await ctx.agent(session.subjectId))?.name ?? 'An agent';
}

/** Answers an action that changed nothing with the state as it is. */
function echo(ctx: CobrowseContext, session: Session, conversationId: string): void {
  const status: CobrowseStatus =
    session.role === 'visitor' ? ctx.cobrowse.visitorStatus(conversationId, session) : ctx.cobrowse.agentStatus(conversationId);
  session.send({ type: 'cobrowse.state', status } satisfies ServerFrame);
}

/** A sharing whose visitor is sharing now; refused with `cobrowse_no_consent` otherwise. */
function activeSharing(ctx: CobrowseContext, conversationId: string): Sharing {
  const sharing = ctx.cobrowse.get(conversationId);
  if (sharing === undefined || sharing.view !== 'active') throw new ParleyError('cobrowse_no_consent', NOT_SHARING);
  return sharing;
}

/** `cobrowse.request`: asks the visitor to share the page (`view`) or, while sharing, to allow `control`. */
export async function cobrowseRequest(ctx: CobrowseContext, session: Session, frame: CobrowseRequestFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  if (conversation.status !== 'open') throw new ParleyError('forbidden', 'Reopen the conversation to co-browse.');
  const name = await agentName(ctx, session);
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    const hub = ctx.cobrowse;
    const onExpire = (requestId: string): void => requestTimerOnExpire(ctx, conversation.id, requestId);
    let text: string;
    if (frame.scope === 'view') {
      const sharing = hub.open(conversation);
      if (sharing.view !== 'off') return echo(ctx, session, conversation.id);
      sharing.view = 'requested';
      hub.request(sharing, session.subjectId, name, onExpire);
      hub.deliver(sharing, conversation);
      text = COBROWSE_TEXT.asked(name);
    } else {
      const sharing = activeSharing(ctx, conversation.id);
      if (sharing.control !== 'off') return echo(ctx, session, conversation.id);
      sharing.control = 'requested';
      hub.request(sharing, session.subjectId, name, onExpire);
      hub.deliver(sharing, conversation);
      text = COBROWSE_TEXT.askedControl(name);
    }
    await ctx.appendSystem(conversation, text);
  });
}

/** `cobrowse.consent`: the visitor answers the pending request, which it must name. */
export async function cobrowseConsent(ctx: CobrowseContext, session: Session, frame: CobrowseConsentFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    const hub = ctx.cobrowse;
    const sharing = hub.get(conversation.id);
    if (sharing === undefined || sharing.requestId === null) {
      throw new ParleyError('cobrowse_no_consent', 'No co-browse request is waiting for an answer.');
    }
    if (sharing.requestId !== frame.requestId) {
      throw new ParleyError('cobrowse_no_consent', 'That co-browse request is no longer pending; answer the current one.');
    }
    hub.follow(sharing, conversation);
    sharing.clearRequest();
    if (sharing.view === 'requested') {
      if (!frame.granted) return endSharing(ctx, sharing, conversation, COBROWSE_TEXT.declined);
      sharing.view = 'active';
      sharing.since = ctx.now();
      sharing.tab = frame.tab;
      // The tab id reaches the widget's sessionStorage only now; a reload names it in `hello.tab`.
      session.tab = frame.tab;
      hub.setSource(sharing, session);
      hub.deliver(sharing, conversation);
      await ctx.appendSystem(conversation, COBROWSE_TEXT.started);
      return;
    }
    sharing.control = frame.granted ? 'active' : 'off';
    hub.deliver(sharing, conversation);
    await ctx.appendSystem(conversation, frame.granted ? COBROWSE_TEXT.controlAllowed : COBROWSE_TEXT.controlDeclined);
  });
}

/** `cobrowse.end`: either side stops sharing (`view`, which ends control too) or only `control`. */
export async function cobrowseEnd(ctx: CobrowseContext, session: Session, frame: CobrowseEndFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const name = session.role === 'agent' ? await agentName(ctx, session) : '';
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    const sharing = ctx.cobrowse.get(conversation.id);
    if (sharing === undefined || sharing.off) return echo(ctx, session, conversation.id);
    const visitor = session.role === 'visitor';
    if (frame.scope === 'view') {
      const requested = sharing.view === 'requested';
      const text = visitor
        ? requested ? COBROWSE_TEXT.declined : COBROWSE_TEXT.visitorStopped
        : requested ? COBROWSE_TEXT.agentCancelled(name) : COBROWSE_TEXT.agentStopped(name);
      return endSharing(ctx, sharing, conversation, text);
    }
    if (sharing.control === 'off') return echo(ctx, session, conversation.id);
    const requested = sharing.control === 'requested';
    const text = visitor
      ? requested ? COBROWSE_TEXT.controlDeclined : COBROWSE_TEXT.controlTakenBack
      : requested ? COBROWSE_TEXT.agentCancelled(name) : COBROWSE_TEXT.agentStoppedControl(name);
    if (requested) sharing.clearRequest();
    sharing.control = 'off';
    ctx.cobrowse.deliver(sharing, conversation);
    await ctx.appendSystem(conversation, text);
  });
}

/**
 * `cobrowse.join`: the agent connection starts watching (again, after a gap: a resync). It gets
 * the state, then the checkpoint at once (paced), and the source is asked for a fresh snapshot.
 */
export async function cobrowseJoin(ctx: CobrowseContext, session: Session, frame: CobrowseJoinFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const sharing = activeSharing(ctx, conversation.id);
  // State changes reach agents on the conversation's topic: a watcher follows it.
  followConversation(ctx, session, conversation.id);
  const watcher = ctx.cobrowse.watch(sharing, session);
  session.send({ type: 'cobrowse.state', status: sharing.agentStatus() } satisfies ServerFrame);
  watcher.resync();
  sharing.askSnapshot(ctx.now());
}

/** `cobrowse.leave`: the agent connection stops watching; sharing goes on for the others. */
export async function cobrowseLeave(ctx: CobrowseContext, session: Session, frame: CobrowseLeaveFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const sharing = ctx.cobrowse.get(conversation.id);
  if (sharing !== undefined) ctx.cobrowse.unwatch(sharing, session);
}

/** `cobrowse.events`: page data from the source tab, kept in the checkpoint and sent to watchers. */
export async function cobrowseEvents(ctx: CobrowseContext, session: Session, frame: CobrowseEventsFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const sharing = activeSharing(ctx, conversation.id);
  if (sharing.source !== session) {
    throw new ParleyError('cobrowse_no_consent', 'Another tab is sharing this page; nothing was forwarded.');
  }
  ctx.cobrowse.forward(sharing, frame);
}

/** `cobrowse.pointer`: drawn on the source tab only, with the agent's name. */
export async function cobrowsePointer(ctx: CobrowseContext, session: Session, frame: CobrowsePointerFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const source = activeSharing(ctx, conversation.id).source;
  // While the sharing tab reloads there is nobody to draw on: ephemeral frames are dropped.
  if (source === null) return;
  const name = await agentName(ctx, session);
  source.send({ ...frame, agentName: name } satisfies ServerFrame);
}

/** `cobrowse.control`: only while the visitor allows remote control; sent to the source tab only. */
export async function cobrowseControl(ctx: CobrowseContext, session: Session, frame: CobrowseControlFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const sharing = activeSharing(ctx, conversation.id);
  if (sharing.control !== 'active') throw new ParleyError('cobrowse_no_control');
  sharing.source?.send(frame satisfies ServerFrame);
}

