/** Reopening a resolved conversation when its visitor comes back to it by other means than a message. */
import type { Conversation } from '../../storage/storage.js';
import { changeConversation } from '../conditional.js';
import type { BrokerContext } from '../context.js';

/**
 * A visitor calling, or asking to be called back, in a resolved conversation means it is not
 * resolved after all: it is reopened (with its line on the timeline, announced at once), as a
 * message would. Returns the conversation as it is now.
 */
export function reopenForVisitor(ctx: BrokerContext, conversation: Conversation): Promise<Conversation> {
  return changeConversation(ctx, conversation.id, async (current) => {
    if (current.status !== 'resolved') return current;
    const updated = await ctx.storage.updateConversation(current.id, { status: 'open', resolvedAt: null }, ctx.now(), { status: 'resolved' });
    await ctx.appendSystem(updated, 'The visitor reopened the conversation');
    await ctx.announce((await ctx.storage.getConversation(updated.id)) ?? updated);
    return updated;
  });
}
