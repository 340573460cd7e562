/**
 * Conversations an agent holds in a site they no longer serve. Assignment is a row of the
 * conversation and outlives a membership; but once an agent leaves a site (or is demoted from
 * admin) they must stop receiving that site's messages, which reach an assignee by its own
 * topic. A membership change reconnects the console (`scope-refresh.ts`), and every agent hello
 * hands what lies outside the new scope back to the site's queue, with a line on its timeline.
 */
import type { Agent } from '../storage/storage.js';
import { servesSite } from './access.js';
import { changeConversation } from './conditional.js';
import type { BrokerContext } from './context.js';
import type { Session } from './session.js';

/** More open conversations than one agent can hold; the query stays one indexed read. */
const MOST_ASSIGNED = 10_000;

/** Unassigns the agent's open conversations of sites outside `session`'s scope; resolves how many. */
export async function releaseOutOfScope(ctx: BrokerContext, session: Session, agent: Agent): Promise<number> {
  if (session.siteIds === null) return 0;
  const assigned = await ctx.storage.listConversations({ assigneeId: agent.id, status: 'open', limit: MOST_ASSIGNED });
  let released = 0;
  for (const conversation of assigned) {
    if (servesSite(session, conversation.siteId)) continue;
    await changeConversation(ctx, conversation.id, async (current) => {
      if (current.assigneeId !== agent.id || current.status !== 'open') return;
      const updated = await ctx.storage.updateConversation(current.id, { assigneeId: null }, ctx.now(), { assigneeId: agent.id, status: 'open' });
      await ctx.appendSystem(updated, `${agent.name} no longer serves this site; the conversation is waiting for an agent`);
      await ctx.announce((await ctx.storage.getConversation(updated.id)) ?? updated);
      released++;
    });
  }
  return released;
}
