/**
 * How co-browse sessions begin again and end on their own: a visitor tab connecting (a pending
 * prompt survives a reload; the sharing tab after a full page load becomes the source again),
 * connections closing, a request nobody answered, a sharing tab that never came back, and a
 * conversation being resolved. Changes of one conversation run in order (`ctx.serial`).
 */
import type { CobrowseStatus, ServerFrame } from '@parley/protocol';
import type { Conversation } from '../../storage/storage.js';
import type { CobrowseContext } from './context.js';
import type { Session } from '../session.js';
import { COBROWSE_TEXT } from './messages.js';
import type { SharingSpec } from './directory.js';
import type { Sharing } from './sharing.js';

/** The `ctx.serial` key of a conversation's co-browse changes. */
export function cobrowseKey(conversationId: string): string {
  return `cobrowse:${conversationId}`;
}

/** Ends a sharing (view and control) for both sides, with its line on the timeline. */
export async function endSharing(ctx: CobrowseContext, sharing: Sharing, conversation: Conversation, text: string): Promise<void> {
  ctx.cobrowse.end(sharing);
  ctx.cobrowse.deliver(sharing, conversation);
  await ctx.appendSystem(conversation, text);
}

/**
 * A visitor connection said `hello`: returns where each of its conversations' co-browse stands,
 * for its welcome. When its `hello.tab` is the sharing tab of an active session it becomes the
 * source again (a still-connected old source is told it no longer is, agents that it is live).
 */
export async function cobrowseOnHello(ctx: CobrowseContext, session: Session): Promise<CobrowseStatus[]> {
  const statuses: CobrowseStatus[] = [];
  for (const sharing of ctx.cobrowse.ofVisitor(session.subjectId)) {
    if (sharing.off) continue;
    if (session.tab !== null && sharing.view === 'active' && sharing.tab === session.tab) {
      const previous = ctx.cobrowse.setSource(sharing, session);
      previous?.send({ type: 'cobrowse.state', status: sharing.visitorStatus(previous) } satisfies ServerFrame);
      const conversation = await ctx.storage.getConversation(sharing.conversationId);
      if (conversation) ctx.cobrowse.deliverAgents(sharing, conversation);
    }
    statuses.push(sharing.visitorStatus(session));
  }
  return statuses;
}

/**
 * A connection closed: an agent stops watching; a sharing tab leaves its session waiting
 * `cobrowseResumeMs` for the same tab to come back (agents see `live: false` meanwhile).
 */
export async function cobrowseOnLeave(ctx: CobrowseContext, session: Session): Promise<void> {
  for (const sharing of ctx.cobrowse.ofSession(session)) {
    if (sharing.watchers.has(session)) {
      ctx.cobrowse.unwatch(sharing, session);
      continue;
    }
    if (sharing.source !== session) continue;
    ctx.cobrowse.loseSource(sharing, () => resumeTimerOnExpire(ctx, sharing));
    const conversation = await ctx.storage.getConversation(sharing.conversationId);
    if (conversation) ctx.cobrowse.deliverAgents(sharing, conversation);
  }
}

/** The request `requestId` got no answer in time. */
export function requestTimerOnExpire(ctx: CobrowseContext, conversationId: string, requestId: string): void {
  const task = ctx.serial(cobrowseKey(conversationId), async () => {
    const sharing = ctx.cobrowse.get(conversationId);
    if (sharing === undefined || sharing.requestId !== requestId) return;
    if (sharing.view === 'requested') {
      ctx.cobrowse.end(sharing);
    } else {
      sharing.clearRequest();
      sharing.control = 'off';
    }
    const conversation = await ctx.storage.getConversation(conversationId);
    if (!conversation) return;
    ctx.cobrowse.deliver(sharing, conversation);
    await ctx.appendSystem(conversation, COBROWSE_TEXT.expired);
  });
  task.catch((error: unknown) => ctx.log.error('co-browse request expiry failed', { conversationId, error }));
}

/** The sharing tab did not come back within `cobrowseResumeMs`. */
function resumeTimerOnExpire(ctx: CobrowseContext, sharing: Sharing): void {
  const conversationId = sharing.conversationId;
  const task = ctx.serial(cobrowseKey(conversationId), async () => {
    if (ctx.cobrowse.get(conversationId) !== sharing || sharing.source !== null || sharing.view !== 'active') return;
    const conversation = await ctx.storage.getConversation(conversationId);
    if (!conversation) return ctx.cobrowse.end(sharing);
    await endSharing(ctx, sharing, conversation, COBROWSE_TEXT.visitorLeft);
  });
  task.catch((error: unknown) => ctx.log.error('co-browse resume expiry failed', { conversationId, error }));
}

/** The conversation was resolved by `agentName`: its co-browse ends as if that agent ended it. */
export async function cobrowseOnResolve(ctx: CobrowseContext, conversation: Conversation, agentName: string): Promise<void> {
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    const sharing = ctx.cobrowse.get(conversation.id);
    if (sharing === undefined || sharing.off) return;
    const text = sharing.view === 'requested' ? COBROWSE_TEXT.agentCancelled(agentName) : COBROWSE_TEXT.agentStopped(agentName);
    await endSharing(ctx, sharing, conversation, text);
  });
}

/** The request a node makes of a sharing's owner for a sharing tab back on it after a page load. */
export const COBROWSE_RESUME = 'cobrowse.resume';

/**
 * On the sharing's owner: the sharing tab came back (after a page load) on another node, whose
 * connection `session` stands for here. It becomes the source again, as `cobrowseOnHello` does
 * for a tab back on this node. True when it did.
 */
export async function cobrowseResumeHere(ctx: CobrowseContext, session: Session, conversationId: string): Promise<boolean> {
  return ctx.serial(cobrowseKey(conversationId), async () => {
    const sharing = ctx.cobrowse.get(conversationId);
    if (sharing === undefined || sharing.view !== 'active' || session.tab === null || sharing.tab !== session.tab) return false;
    const previous = ctx.cobrowse.setSource(sharing, session);
    previous?.send({ type: 'cobrowse.state', status: sharing.visitorStatus(previous) } satisfies ServerFrame);
    // The tab learns where it stands from its welcome; the agents, that it is live again.
    const conversation = await ctx.storage.getConversation(conversationId);
    if (conversation) ctx.cobrowse.deliverAgents(sharing, conversation);
    return true;
  });
}

/**
 * The node that owned a sharing went down: it is over (every node told its connections so);
 * this node writes the line on the timeline.
 */
export async function cobrowseOwnerLost(ctx: CobrowseContext, spec: SharingSpec): Promise<void> {
  try {
    const conversation = await ctx.storage.getConversation(spec.conversationId);
    if (conversation && spec.asOther.view !== 'off') await ctx.appendSystem(conversation, COBROWSE_TEXT.lost);
  } catch (error) {
    ctx.log.error('ending the co-browse session of a node that went down failed', { conversationId: spec.conversationId, error });
  }
}
