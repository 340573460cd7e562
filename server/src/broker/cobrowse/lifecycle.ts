/**
 * How co-browse sessions begin again and end on their own: a visitor tab connecting (a pending
 * prompt survives a reload; the sharing tab after a full page load becomes the source again),
 * connections closing, a request nobody answered, a sharing tab that never came back, and a
 * conversation being resolved. Changes of one conversation run in order (`ctx.serial`).
 */
import type { CobrowseStatus } from '@parley/protocol';
import type { Conversation } from '../../storage/storage.js';
import type { CobrowseContext } from './context.js';
import type { Session } from '../session.js';
import type { CobrowseEffect, CobrowseEvent } from './cobrowse-transition.js';
import type { SharingSpec } from './directory.js';
import type { SharingLine, SharingTimerEvent } from './hub.js';
import type { Sharing } from './sharing.js';

/** The `ctx.serial` key of a conversation's co-browse changes. */
export function cobrowseKey(conversationId: string): string {
  return `cobrowse:${conversationId}`;
}

/**
 * Feeds one event to a conversation's co-browse and performs all its effects; a refused event
 * throws. `conversation` is the conversation as just read (read here when the effects need it
 * and none is given; when it is gone, nobody is told and nothing is written). Returns the
 * effects the hub left for the conversation, so a caller can tell whether anything changed.
 *
 * Co-browse needs no store: both sides are told of the change first, and its lines on the
 * timeline are written after those an unavailable store left waiting. While the store is
 * unavailable the change stands all the same: its lines wait (`unwritten-lines.ts`).
 */
export async function runSharing(
  ctx: CobrowseContext,
  target: Pick<Conversation, 'id' | 'visitorId'>,
  event: CobrowseEvent,
  session?: Session,
  conversation?: Conversation,
): Promise<readonly CobrowseEffect[]> {
  const { sharing, effects } = ctx.cobrowse.apply(target, event, session);
  if (sharing === undefined || effects.length === 0) return effects;
  const fresh = conversation ?? (await ctx.loadConversation(target.id));
  if (!fresh) return effects;
  const lines: SharingLine[] = [];
  for (const effect of effects) {
    if (effect.type === 'deliver') ctx.cobrowse.deliver(sharing, fresh);
    else if (effect.type === 'deliver-agents') ctx.cobrowse.deliverAgents(sharing, fresh);
    else lines.push(effect);
  }
  await writeLines(ctx, fresh.id, lines, fresh);
  return effects;
}

/**
 * Writes co-browse lines on a conversation's timeline (nothing when it is gone), after those
 * waiting for the store; `known` is the conversation when already read. Run it in
 * `ctx.serial(cobrowseKey(...))`.
 */
async function writeLines(ctx: CobrowseContext, conversationId: string, lines: readonly SharingLine[], known?: Conversation): Promise<void> {
  // Read when the first line is written (undefined: not read yet; null: gone).
  let conversation: Conversation | null | undefined = known;
  await ctx.cobrowse.unwritten.write(ctx.log, conversationId, lines, async (line, clientId) => {
    if (conversation === undefined) conversation = await ctx.loadConversation(conversationId);
    if (conversation !== null) await ctx.appendSystem(conversation, line.text, clientId);
  });
}

/** The store refused co-browse lines on a conversation earlier: they are written now, in order with its events. */
export function cobrowseLinesOnRetry(ctx: CobrowseContext, conversationId: string): void {
  ctx.serial(cobrowseKey(conversationId), () => writeLines(ctx, conversationId, [])).catch((error: unknown) =>
    ctx.log.error('writing a co-browse line failed', { conversationId, error }),
  );
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
    await runSharing(ctx, { id: sharing.conversationId, visitorId: sharing.visitorId }, { type: 'source-back', connection: session.id, tab: session.tab }, session);
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
    await runSharing(ctx, { id: sharing.conversationId, visitorId: sharing.visitorId }, { type: 'connection-closed', connection: session.id }, session);
  }
}

/** A sharing's timer fired (`cobrowseRequestMs`: the request expired; `cobrowseResumeMs`: the sharing tab never came back). */
export function sharingTimerOnExpire(ctx: CobrowseContext, sharing: Sharing, event: SharingTimerEvent): void {
  const conversationId = sharing.conversationId;
  const task = ctx.serial(cobrowseKey(conversationId), async () => {
    if (ctx.cobrowse.get(conversationId) !== sharing) return;
    await runSharing(ctx, { id: conversationId, visitorId: sharing.visitorId }, event);
  });
  const what = event.type === 'request-expired' ? 'co-browse request expiry failed' : 'co-browse resume expiry failed';
  task.catch((error: unknown) => ctx.log.error(what, { conversationId, error }));
}

/** The conversation was resolved by `agentName`: its co-browse ends as if that agent ended it. */
export async function cobrowseOnResolve(ctx: CobrowseContext, conversation: Conversation, agentName: string): Promise<void> {
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    await runSharing(ctx, conversation, { type: 'resolved', agentName }, undefined, conversation);
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
    if (sharing === undefined) return false;
    // The tab learns where it stands from its welcome; the agents, that it is live again.
    const effects = await runSharing(ctx, { id: conversationId, visitorId: sharing.visitorId }, { type: 'source-back', connection: session.id, tab: session.tab }, session);
    return effects.length > 0;
  });
}

/**
 * The node that owned a sharing went down: it is over (every node told its connections so);
 * this node writes what the transition left on the timeline.
 */
export async function cobrowseOwnerLost(ctx: CobrowseContext, spec: SharingSpec, effects: readonly CobrowseEffect[]): Promise<void> {
  const lines = effects.filter((effect): effect is SharingLine => effect.type === 'line');
  try {
    await ctx.serial(cobrowseKey(spec.conversationId), () => writeLines(ctx, spec.conversationId, lines));
  } catch (error) {
    ctx.log.error('ending the co-browse session of a node that went down failed', { conversationId: spec.conversationId, error });
  }
}
