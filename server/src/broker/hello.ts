/**
 * Opening and closing a session: the `welcome`, the replay of missed messages, page view and
 * device bookkeeping for visitors, and presence per site.
 */
import {
  PROTOCOL_VERSION,
  ParleyError,
  type HelloFrame,
  type PageView,
  type ServerFrame,
} from '@parley/protocol';
import { touchedVisitor } from '../storage/records.js';
import type { Conversation, VisitorTouch } from '../storage/storage.js';
import { parseUserAgent } from '../user-agent.js';
import { canAccess, scopeTopics, siteScope } from './access.js';
import type { WelcomeExtras } from './capability.js';
import type { BrokerContext } from './context.js';
import { releaseOutOfScope } from './out-of-scope.js';
import { agentAgentsOnline, siteAgentsOnline, siteVisitorsTopic } from './presence.js';
import { replayMessages } from './replay.js';
import { scoped } from './scoped-filter.js';
import type { Session } from './session.js';
import { toAgentProfile } from './views.js';

/** Handles `hello`: registers the session, sends `welcome`, then replays what it missed. */
export async function sessionOnHello(ctx: BrokerContext, session: Session, frame: HelloFrame): Promise<void> {
  if (session.role === 'visitor') await visitorHello(ctx, session, frame);
  else await agentHello(ctx, session);

  for (const [conversationId, afterSeq] of Object.entries(frame.resume ?? {})) {
    const conversation = await ctx.storage.getConversation(conversationId);
    if (!conversation || !canAccess(session, conversation)) {
      session.send({
        type: 'error',
        code: conversation ? 'forbidden' : 'not_found',
        message: new ParleyError(conversation ? 'forbidden' : 'not_found').message,
        ref: conversationId,
      } satisfies ServerFrame);
      continue;
    }
    await replayMessages(ctx, session, conversationId, afterSeq);
  }
}

async function visitorHello(ctx: BrokerContext, session: Session, frame: HelloFrame): Promise<void> {
  const now = ctx.now();
  const visitor = await ctx.storage.getVisitor(session.subjectId);
  if (!visitor) throw new ParleyError('unauthorized', 'This visitor no longer exists.');

  const touch: VisitorTouch = { visitorId: visitor.id, lastSeenAt: now };
  const device = parseUserAgent(session.userAgent);
  // Read once: an idle tab need not keep a header of a few hundred bytes.
  session.userAgent = undefined;
  if (device.browser) touch.browser = device.browser;
  if (device.os) touch.os = device.os;
  if (frame.language) touch.language = frame.language;
  let page: PageView | undefined;
  if (frame.page) {
    const opened: PageView = { url: frame.page.url, title: frame.page.title, at: now };
    touch.currentPage = opened;
    // Reconnecting over and over must not flood the history: the page counts like a page view.
    if (ctx.admitActivity(session)) {
      page = opened;
      touch.pages = [page];
    }
  }
  // Written in a batch with the other hellos of the moment; the welcome shows the same state.
  ctx.touchVisitor(touch);
  const updated = touchedVisitor(visitor, touch);

  if (frame.tab !== undefined) session.tab = frame.tab;
  ctx.registry.join(session, `visitor:${visitor.id}`);
  ctx.registry.join(session, siteVisitorsTopic(visitor.siteId));
  // The visitor's first tab on this node: the other nodes count them online.
  if (ctx.registry.count(`visitor:${visitor.id}`) === 1) ctx.presence.visitorHere(visitor.id, true);
  const conversations = await ctx.storage.listConversations({ visitorId: visitor.id, limit: ctx.settings.inboxPageSize });
  const extras = await welcomeExtras(ctx, session, conversations);
  const agentsOnline = siteAgentsOnline(ctx.registry, ctx.presence, visitor.siteId);
  ctx.sitePresence.welcomed(visitor.siteId, agentsOnline);
  session.send({
    type: 'welcome',
    v: PROTOCOL_VERSION,
    role: 'visitor',
    visitor: ctx.profile(updated),
    conversations: await Promise.all(conversations.map((c) => ctx.summarize(c))),
    agentsOnline,
    ...extras,
    serverTime: now,
  } satisfies ServerFrame);

  ctx.announceVisitor(updated, page ? { page } : {});
}

async function agentHello(ctx: BrokerContext, session: Session): Promise<void> {
  const agent = await ctx.agent(session.subjectId);
  if (!agent) throw new ParleyError('unauthorized', 'This agent no longer exists.');
  // The scope is read from the store on every hello: a reconnect picks up a membership change.
  session.siteIds = siteScope(agent, await ctx.storage.listAgentSites(agent.id));
  await releaseOutOfScope(ctx, session, agent);
  ctx.registry.join(session, `agent:${agent.id}`);
  for (const topic of scopeTopics(session.siteIds)) ctx.registry.join(session, topic);
  // The agent's first connection on this node: every node's visitors and consoles count them.
  if (ctx.registry.count(`agent:${agent.id}`) === 1) ctx.presence.agentHere({ id: agent.id, sites: session.siteIds }, true);

  const conversations = await ctx.storage.listConversations(scoped(session, { status: 'open', limit: ctx.settings.inboxPageSize }));
  const extras = await welcomeExtras(ctx, session, conversations);
  session.send({
    type: 'welcome',
    v: PROTOCOL_VERSION,
    role: 'agent',
    agent: toAgentProfile(agent),
    conversations: await Promise.all(conversations.map((c) => ctx.summarize(c))),
    // The agents serving the same sites (all of them for an admin).
    agentsOnline: agentAgentsOnline(ctx.registry, ctx.presence, session),
    ...extras,
    serverTime: ctx.now(),
  } satisfies ServerFrame);
}

/** What the capabilities add to a welcome, each in turn (a hook may act, as co-browse resuming does). */
async function welcomeExtras(ctx: BrokerContext, session: Session, conversations: readonly Conversation[]): Promise<WelcomeExtras> {
  const extras: WelcomeExtras = {};
  for (const capability of ctx.capabilities) Object.assign(extras, await capability.welcome?.(session, conversations));
  return extras;
}

/**
 * A session ended (its topics are already left): a visitor whose last tab here closed is gone
 * from this node, and offline for the agents unless another node has a tab of theirs; an agent
 * whose last connection here closed is gone from this node's count on every node.
 */
export async function sessionOnLeave(ctx: BrokerContext, session: Session): Promise<void> {
  if (session.role === 'agent') {
    if (ctx.registry.count(`agent:${session.subjectId}`) === 0) ctx.presence.agentHere({ id: session.subjectId, sites: session.siteIds }, false);
    return;
  }
  if (ctx.registry.count(`visitor:${session.subjectId}`) > 0) return;
  ctx.presence.visitorHere(session.subjectId, false);
  const visitor = await ctx.storage.getVisitor(session.subjectId);
  if (!visitor) return;
  const touch: VisitorTouch = { visitorId: visitor.id, lastSeenAt: ctx.now() };
  ctx.touchVisitor(touch);
  ctx.announceVisitor(touchedVisitor(visitor, touch));
}
