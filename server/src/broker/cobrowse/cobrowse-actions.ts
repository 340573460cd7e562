/**
 * Co-browse frames: an agent asks (`cobrowse.request`), the visitor answers
 * (`cobrowse.consent`), the source tab streams the page (`cobrowse.events`), agents watch
 * (`cobrowse.join` / `cobrowse.leave`), point (`cobrowse.pointer`) and, with a second consent,
 * control (`cobrowse.control`); either side stops (`cobrowse.end`).
 *
 * Every frame names a conversation the connection may act on (`ctx.requireConversation`: a
 * visitor only their own). Page data, pointer and control frames are forwarded only while the
 * visitor's consent lasts; otherwise they are refused and nothing is forwarded.
 *
 * These handlers read what an event needs (the agent's name, a fresh request id) and feed it to
 * the conversation's co-browse; the rules themselves are `cobrowseTransition`
 * (`cobrowse-transition.ts`).
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
  type ServerFrame,
} from '@parley/protocol';
import { nanoid } from 'nanoid';
import { followConversation } from '../agent-actions.js';
import type { CobrowseContext } from './context.js';
import type { Session } from '../session.js';
import { mayForward } from './cobrowse-transition.js';
import { cobrowseKey, runSharing } from './lifecycle.js';
import { sharingOff } from './sharing-state.js';
import type { Sharing } from './sharing.js';

async function agentName(ctx: CobrowseContext, session: Session): Promise<string> {
  return (await ctx.agent(session.subjectId))?.name ?? 'An agent';
}

/** The conversation's sharing when a frame of `kind` from `session` may be forwarded now; refused otherwise. */
function forwarding(ctx: CobrowseContext, conversationId: string, kind: 'events' | 'pointer' | 'control', session: Session): Sharing {
  const sharing = ctx.cobrowse.get(conversationId);
  // No visitor id is needed to judge an absent sharing: it is all off.
  const refusal = mayForward(sharing?.state ?? sharingOff(conversationId, ''), kind, session.id);
  if (refusal !== null || sharing === undefined) throw new ParleyError(refusal?.code ?? 'cobrowse_no_consent', refusal?.message);
  return sharing;
}

/** `cobrowse.request`: asks the visitor to share the page (`view`) or, while sharing, to allow `control`. */
export async function cobrowseRequest(ctx: CobrowseContext, session: Session, frame: CobrowseRequestFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  if (conversation.status !== 'open') throw new ParleyError('forbidden', 'Reopen the conversation to co-browse.');
  const name = await agentName(ctx, session);
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    const event = { type: 'request', scope: frame.scope, agentId: session.subjectId, agentName: name, requestId: nanoid() } as const;
    await runSharing(ctx, conversation, event, session, conversation);
  });
}

/** `cobrowse.consent`: the visitor answers the pending request, which it must name. */
export async function cobrowseConsent(ctx: CobrowseContext, session: Session, frame: CobrowseConsentFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    const event = { type: 'consent', connection: session.id, requestId: frame.requestId, granted: frame.granted, tab: frame.tab } as const;
    await runSharing(ctx, conversation, event, session, conversation);
  });
}

/** `cobrowse.end`: either side stops sharing (`view`, which ends control too) or only `control`. */
export async function cobrowseEnd(ctx: CobrowseContext, session: Session, frame: CobrowseEndFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const name = session.role === 'agent' ? await agentName(ctx, session) : '';
  await ctx.serial(cobrowseKey(conversation.id), async () => {
    await runSharing(ctx, conversation, { type: 'end', role: session.role, scope: frame.scope, agentName: name }, session, conversation);
  });
}

/**
 * `cobrowse.join`: the agent connection starts watching (again, after a gap: a resync). It gets
 * the state, then the checkpoint at once (paced), and the source is asked for a fresh snapshot.
 */
export async function cobrowseJoin(ctx: CobrowseContext, session: Session, frame: CobrowseJoinFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  ctx.cobrowse.apply(conversation, { type: 'watcher-joined', connection: session.id }, session);
  // State changes reach agents on the conversation's topic: a watcher follows it.
  followConversation(ctx, session, conversation.id);
}

/** `cobrowse.leave`: the agent connection stops watching; sharing goes on for the others. */
export async function cobrowseLeave(ctx: CobrowseContext, session: Session, frame: CobrowseLeaveFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  ctx.cobrowse.apply(conversation, { type: 'watcher-left', connection: session.id }, session);
}

/** `cobrowse.events`: page data from the source tab, kept in the checkpoint and sent to watchers. */
export async function cobrowseEvents(ctx: CobrowseContext, session: Session, frame: CobrowseEventsFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  ctx.cobrowse.forward(forwarding(ctx, conversation.id, 'events', session), frame);
}

/** `cobrowse.pointer`: drawn on the source tab only, with the agent's name. */
export async function cobrowsePointer(ctx: CobrowseContext, session: Session, frame: CobrowsePointerFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const { source } = forwarding(ctx, conversation.id, 'pointer', session);
  // While the sharing tab reloads there is nobody to draw on: ephemeral frames are dropped.
  if (source === null) return;
  const name = await agentName(ctx, session);
  source.send({ ...frame, agentName: name } satisfies ServerFrame);
}

/** `cobrowse.control`: only while the visitor allows remote control; sent to the source tab only. */
export async function cobrowseControl(ctx: CobrowseContext, session: Session, frame: CobrowseControlFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  forwarding(ctx, conversation.id, 'control', session).source?.send(frame satisfies ServerFrame);
}
