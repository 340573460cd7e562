/**
 * Agent actions: opening a conversation (its full context), assigning, resolving, reopening and
 * listing inbox views. Each change writes a system message, so both sides see it on the
 * timeline, and is announced to every agent serving the conversation's site.
 */
import {
  cobrowseOff,
  ParleyError,
  type ConversationAssignFrame,
  type ConversationOpenFrame,
  type ConversationStatusFrame,
  type InboxFetchFrame,
  type InboxListFrame,
  type ServerFrame,
} from '@parley/protocol';
import type { Agent, Conversation, ConversationFilter } from '../storage/storage.js';
import { agentServesSite, canAccess, hasRole } from './access.js';
import { changeConversation } from './conditional.js';
import type { BrokerContext } from './context.js';
import { scoped } from './scoped-filter.js';
import type { Session } from './session.js';

async function self(ctx: BrokerContext, session: Session): Promise<Agent> {
  const agent = await ctx.agent(session.subjectId);
  if (!agent) throw new ParleyError('forbidden', 'This agent no longer exists.');
  return agent;
}

/** `conversation.open`: the conversation with its context; the connection then follows it live. */
export async function conversationOpen(ctx: BrokerContext, session: Session, frame: ConversationOpenFrame): Promise<void> {
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const visitor = await ctx.storage.getVisitor(conversation.visitorId);
  if (!visitor) throw new ParleyError('not_found', 'The visitor of this conversation is gone.');
  const batch = ctx.limits.maxSyncBatch;
  const [messages, pages, events, others, ...extras] = await Promise.all([
    ctx.storage.listMessages(conversation.id, Math.max(0, conversation.lastSeq - batch), batch),
    ctx.storage.listPageViews(visitor.id, ctx.settings.contextPageSize),
    ctx.storage.listEvents(visitor.id, ctx.settings.contextPageSize),
    ctx.storage.listConversations({ visitorId: visitor.id, limit: ctx.settings.inboxPageSize }),
    // What each capability adds (co-browse state, the call, callback requests).
    ...ctx.capabilities.map((capability) => capability.detail?.(conversation) ?? {}),
  ]);
  const past = await Promise.all(others.filter((c) => c.id !== conversation.id).map((c) => ctx.summarize(c)));

  followConversation(ctx, session, conversation.id);
  session.send({
    type: 'conversation.detail',
    conversation: await ctx.summarize(conversation),
    messages,
    visitor: ctx.profile(visitor),
    pages,
    events,
    past,
    cobrowse: cobrowseOff(conversation.id),
    ...Object.assign({}, ...extras),
  } satisfies ServerFrame);
}

/** Subscribes an agent connection to a conversation, dropping the oldest beyond the cap. */
export function followConversation(ctx: BrokerContext, session: Session, conversationId: string): void {
  const opened = (session.opened ??= []);
  const at = opened.indexOf(conversationId);
  if (at >= 0) opened.splice(at, 1);
  opened.push(conversationId);
  ctx.registry.join(session, `conversation:${conversationId}`);
  while (opened.length > ctx.settings.maxOpenConversations) {
    ctx.registry.leave(session, `conversation:${opened.shift()!}`);
  }
}

/** Sends the current state of a conversation to one connection (an action that changed nothing). */
async function echo(ctx: BrokerContext, session: Session, conversation: Conversation): Promise<void> {
  session.send({ type: 'conversation.updated', conversation: await ctx.summarize(conversation) } satisfies ServerFrame);
}

/** `conversation.assign`: take it, or (supervisors and admins) give it to another agent. */
export async function conversationAssign(ctx: BrokerContext, session: Session, frame: ConversationAssignFrame): Promise<void> {
  const me = await self(ctx, session);
  const targetId = frame.agentId ?? me.id;
  if (targetId !== me.id && !hasRole(me.role, 'supervisor')) {
    throw new ParleyError('forbidden', 'Only supervisors and admins assign conversations to others.');
  }
  const target = targetId === me.id ? me : await ctx.agent(targetId);
  if (!target) throw new ParleyError('not_found', 'No such agent.');
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  if (target.id !== me.id && !agentServesSite(target, await ctx.storage.listAgentSites(target.id), conversation.siteId)) {
    throw new ParleyError('forbidden', `${target.name} does not belong to this conversation's site.`);
  }

  await changeConversation(ctx, conversation.id, async (current) => {
    if (current.assigneeId === target.id) return echo(ctx, session, current);
    const updated = await ctx.storage.updateConversation(current.id, { assigneeId: target.id }, ctx.now(), { assigneeId: current.assigneeId });
    const text = target.id === me.id ? `${me.name} joined the conversation` : `${me.name} assigned the conversation to ${target.name}`;
    await ctx.appendSystem(updated, text);
    await ctx.announce((await ctx.storage.getConversation(updated.id)) ?? updated);
  });
}

/** `conversation.resolve` and `conversation.reopen`. */
export async function conversationSetStatus(ctx: BrokerContext, session: Session, frame: ConversationStatusFrame): Promise<void> {
  const me = await self(ctx, session);
  const conversation = await ctx.requireConversation(session, frame.conversationId);
  const status = frame.type === 'conversation.resolve' ? 'resolved' : 'open';

  await changeConversation(ctx, conversation.id, async (current) => {
    if (current.status === status) return echo(ctx, session, current);
    const now = ctx.now();
    const updated = await ctx.storage.updateConversation(
      current.id,
      status === 'resolved' ? { status, resolvedAt: now } : { status, resolvedAt: null },
      now,
      { status: current.status },
    );
    // A resolved conversation is over: so is what capabilities keep running in it (a co-browse
    // session), each with its line on the timeline before this one.
    if (status === 'resolved') {
      for (const capability of ctx.capabilities) await capability.onResolve?.(updated, me.name);
    }
    await ctx.appendSystem(updated, status === 'resolved' ? `${me.name} resolved the conversation` : `${me.name} reopened the conversation`);
    await ctx.announce((await ctx.storage.getConversation(updated.id)) ?? updated);
  });
}

/** The storage filter of an inbox view. */
export function inboxFilter(view: InboxListFrame['view'], agentId: string, limit: number, before?: number): ConversationFilter {
  const filter: ConversationFilter = { limit };
  if (before !== undefined) filter.before = before;
  switch (view) {
    case 'waiting':
      return { ...filter, status: 'open', assigneeId: null };
    case 'mine':
      return { ...filter, status: 'open', assigneeId: agentId };
    case 'open':
      return { ...filter, status: 'open' };
    case 'resolved':
      return { ...filter, status: 'resolved' };
  }
}

/** `inbox.list`: one page of an inbox view, newest activity first. */
export async function inboxList(ctx: BrokerContext, session: Session, frame: InboxListFrame): Promise<void> {
  const filter = inboxFilter(frame.view, session.subjectId, ctx.settings.inboxPageSize, frame.before);
  const conversations = await ctx.storage.listConversations(scoped(session, filter));
  session.send({
    type: 'inbox.items',
    view: frame.view,
    conversations: await Promise.all(conversations.map((c) => ctx.summarize(c))),
  } satisfies ServerFrame);
}

/**
 * `inbox.fetch`: the full summaries of conversations a console heard of in `inbox.activity` but
 * does not hold, in one `inbox.updates`. Those the agent may not see (another site's) and those
 * that do not exist are left out alike, so the answer tells nothing about them.
 */
export async function inboxFetch(ctx: BrokerContext, session: Session, frame: InboxFetchFrame): Promise<void> {
  const found = await Promise.all(frame.conversationIds.map((id) => ctx.loadConversation(id)));
  const visible = found.filter((c): c is Conversation => c !== null && canAccess(session, c));
  session.send({ type: 'inbox.updates', conversations: await Promise.all(visible.map((c) => ctx.summarize(c))) } satisfies ServerFrame);
}
