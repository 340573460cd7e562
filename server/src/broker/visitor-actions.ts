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
import { whileVisitorExists } from './visitor-gone.js';

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

/** The control-message kind telling other nodes that a visitor's tabs move to another visitor. */
export const TABS_MOVED = 'visitor.tabs-moved';

/**
 * Moves connections of visitor `fromId` onto `visitor`: they now act as it and get its new token
 * (`visitor.identified`, also returned).
 */
async function moveTabs(ctx: BrokerContext, tabs: Session[], fromId: string, visitor: Visitor): Promise<VisitorIdentifiedFrame> {
  for (const tab of tabs) {
    ctx.registry.leave(tab, `visitor:${fromId}`);
    tab.subjectId = visitor.id;
    ctx.registry.join(tab, `visitor:${visitor.id}`);
  }
  // The connections that moved now act as the known user and must keep the new token.
  const frameOut = await identified(ctx, visitor, ctx.issueVisitorToken(visitor.id, visitor.siteId));
  for (const tab of tabs) tab.send(frameOut);
  return frameOut;
}

/**
 * Another node moved an anonymous visitor's tabs onto a known user: this node's tabs of that
 * visitor follow, as they would on the node where the sign-in happened.
 */
export async function tabsMovedElsewhere(ctx: BrokerContext, fromId: string, toId: string): Promise<void> {
  const tabs = ctx.registry.members(`visitor:${fromId}`);
  if (tabs.length === 0) return;
  const visitor = await ctx.storage.getVisitor(toId);
  if (visitor) await moveTabs(ctx, tabs, fromId, visitor);
}

/**
 * `visitor.identify` (rules in `identity.ts`): a proven user id moves this connection onto the
 * site's canonical visitor for that user (or a new one), with a new token and the merged history;
 * an unproven one only labels the visitor. The other tabs of an anonymous visitor follow it; those
 * of a labelled visitor or of another user do not (they are not vouched for, or are someone
 * else's), and read nothing of the user. A wrong hash is refused with `identity_invalid`.
 */
export async function visitorIdentify(ctx: BrokerContext, session: Session, frame: VisitorIdentifyFrame): Promise<void> {
  const site = await ctx.storage.getSite(session.siteId!);
  if (!site) throw new ParleyError('forbidden', 'The site no longer exists.');
  let before = session.subjectId;
  const result = await ctx.serial(`visitor:${before}`, () => {
    // Another tab's sign-in may have moved this connection while the frame waited.
    before = session.subjectId;
    return applyIdentity(ctx.storage, site, before, claimOf(frame), ctx.now());
  });
  const visitor = result.visitor;

  if (!result.switched) {
    // Sessions keep no token; a fresh one for the same visitor is as good as the one it used.
    session.send(await identified(ctx, visitor, ctx.issueVisitorToken(visitor.id, site.id)));
  } else {
    const tabs = result.tabsFollow ? ctx.registry.members(`visitor:${before}`) : [session];
    const frameOut = await moveTabs(ctx, tabs, before, visitor);
    if (!tabs.includes(session)) session.send(frameOut);
    // The visitor's tabs on other nodes follow there.
    if (result.tabsFollow) ctx.bus.send(TABS_MOVED, { fromId: before, toId: visitor.id });
    // The merged conversations changed visitor: the inbox must show them under the user.
    for (const summary of frameOut.conversations) {
      const conversation = await ctx.storage.getConversation(summary.id);
      if (conversation && conversation.status === 'open') await ctx.announce(conversation);
    }
  }
  ctx.publish(siteTopics(visitor.siteId), { type: 'visitor.updated', visitor: ctx.profile(visitor) } satisfies ServerFrame);
}

/**
 * `visitor.page`: the visitor moved to another page. Over the visitor's (or address's) budget
 * the page view is refused and kept out of the history, but the visitor is there now: the page
 * still becomes the current page, at the end of the update window.
 */
export async function visitorPage(ctx: BrokerContext, session: Session, frame: VisitorPageFrame): Promise<void> {
  const visitorId = session.subjectId;
  // One visitor's page views are handled in arrival order across its tabs, so a refused page
  // held back never overtakes a later one that was written.
  await ctx.serial(`visitor:${visitorId}`, async () => {
    const now = ctx.now();
    const page: PageView = { url: frame.url, title: frame.title, at: now };
    if (!ctx.admitActivity(session)) {
      ctx.holdPage(visitorId, page);
      throw new ParleyError('rate_limited', 'Too many page views and events; this page view was not recorded.');
    }
    const visitor = await whileVisitorExists(ctx, visitorId, async () => {
      await ctx.storage.addPageView(visitorId, page, ctx.keptPageViews);
      return ctx.storage.updateVisitor(visitorId, { currentPage: page, lastSeenAt: now });
    });
    ctx.announceVisitor(visitor, { page });
  });
}

/** `visitor.track`: the host page recorded an event. Over the budget it is refused and dropped. */
export async function visitorTrack(ctx: BrokerContext, session: Session, frame: VisitorTrackFrame): Promise<void> {
  if (!ctx.admitActivity(session)) {
    throw new ParleyError('rate_limited', 'Too many page views and events; this event was not recorded.');
  }
  const now = ctx.now();
  const event: TrackedEvent = { name: frame.event, props: frame.props ?? {}, at: now };
  const visitor = await whileVisitorExists(ctx, session.subjectId, async () => {
    await ctx.storage.addEvent(session.subjectId, event, ctx.keptEvents);
    return ctx.storage.updateVisitor(session.subjectId, { lastSeenAt: now });
  });
  ctx.announceVisitor(visitor, { event });
}
