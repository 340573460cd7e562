/**
 * Visitor actions: identity (`visitor.identify`), page views and tracked events. Agents see each
 * change as `visitor.updated` (the agents serving the visitor's site).
 */
import {
  ParleyError,
  type PageView,
  type ServerFrame,
  type TrackedEvent,
  type VisitorIdentifiedFrame,
  type VisitorIdentifyFrame,
  type VisitorPageFrame,
  type VisitorTrackFrame,
} from '@parley/protocol';
import type { Visitor } from '../storage/storage.js';
import { siteTopics } from './access.js';
import type { BrokerContext } from './context.js';
import { applyIdentity, type IdentityClaim } from './identity.js';
import type { Session } from './session.js';

function claimOf(frame: VisitorIdentifyFrame): IdentityClaim {
  const claim: IdentityClaim = {};
  if (frame.userId !== undefined) claim.userId = frame.userId;
  if (frame.userHash !== undefined) claim.userHash = frame.userHash;
  if (frame.name !== undefined) claim.name = frame.name;
  if (frame.email !== undefined) claim.email = frame.email;
  if (frame.attributes !== undefined) claim.attributes = frame.attributes;
  return claim;
}

async function identified(ctx: BrokerContext, visitor: Visitor, token: string): Promise<VisitorIdentifiedFrame> {
  const conversations = await ctx.storage.listConversations({ visitorId: visitor.id, limit: ctx.settings.inboxPageSize });
  return {
    type: 'visitor.identified',
    token,
    visitor: ctx.profile(visitor),
    conversations: await Promise.all(conversations.map((c) => ctx.summarize(c))),
  };
}

/**
 * `visitor.identify`: a proven user id moves this visitor (every tab of it) onto the site's
 * canonical visitor for that user, with a new token and the merged history; an unproven one
 * only labels the visitor. A wrong hash is refused with `identity_invalid`.
 */
export async function visitorIdentify(ctx: BrokerContext, session: Session, frame: VisitorIdentifyFrame): Promise<void> {
  const site = await ctx.storage.getSite(session.siteId!);
  if (!site) throw new ParleyError('forbidden', 'The site no longer exists.');
  const before = session.subjectId;
  const result = await ctx.serial(`visitor:${before}`, () =>
    applyIdentity(ctx.storage, site, before, claimOf(frame), ctx.now()),
  );
  const visitor = result.visitor;

  if (!result.switched) {
    // Sessions keep no token; a fresh one for the same visitor is as good as the one it used.
    session.send(await identified(ctx, visitor, ctx.issueVisitorToken(visitor.id, site.id)));
  } else {
    const token = ctx.issueVisitorToken(visitor.id, site.id);
    const tabs = [...ctx.registry.members(`visitor:${before}`)];
    for (const tab of tabs) {
      ctx.registry.leave(tab, `visitor:${before}`);
      tab.subjectId = visitor.id;
      ctx.registry.join(tab, `visitor:${visitor.id}`);
    }
    // Every tab of the old visitor now acts as the known user and must keep the new token.
    const frameOut = await identified(ctx, visitor, token);
    for (const tab of tabs) tab.send(frameOut);
    if (!tabs.includes(session)) session.send(frameOut);
    // The merged conversations changed visitor: the inbox must show them under the user.
    for (const summary of frameOut.conversations) {
      const conversation = await ctx.storage.getConversation(summary.id);
      if (conversation && conversation.status === 'open') await ctx.announce(conversation);
    }
  }
  ctx.publish(siteTopics(visitor.siteId), { type: 'visitor.updated', visitor: ctx.profile(visitor) } satisfies ServerFrame);
}

/** `visitor.page`: the visitor moved to another page. */
export async function visitorPage(ctx: BrokerContext, session: Session, frame: VisitorPageFrame): Promise<void> {
  const now = ctx.now();
  const page: PageView = { url: frame.url, title: frame.title, at: now };
  await ctx.storage.addPageView(session.subjectId, page);
  const visitor = await ctx.storage.updateVisitor(session.subjectId, { currentPage: page, lastSeenAt: now });
  ctx.publish(siteTopics(visitor.siteId), { type: 'visitor.updated', visitor: ctx.profile(visitor), page } satisfies ServerFrame);
}

/** `visitor.track`: the host page recorded an event. */
export async function visitorTrack(ctx: BrokerContext, session: Session, frame: VisitorTrackFrame): Promise<void> {
  const now = ctx.now();
  const event: TrackedEvent = { name: frame.event, props: frame.props ?? {}, at: now };
  await ctx.storage.addEvent(session.subjectId, event);
  const visitor = await ctx.storage.updateVisitor(session.subjectId, { lastSeenAt: now });
  ctx.publish(siteTopics(visitor.siteId), { type: 'visitor.updated', visitor: ctx.profile(visitor), event } satisfies ServerFrame);
}
