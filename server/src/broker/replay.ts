/**
 * Replays stored messages to one connection: after a reconnect (`hello.resume`) or a gap the
 * client noticed (`chat.sync`). One batch per request; `complete: false` tells the client to ask
 * again from the last seq it got, so a long backlog never piles up in the relay's memory.
 */
import type { ServerFrame } from '@parley/protocol';
import type { BrokerContext } from './context.js';
import type { Session } from './session.js';

/** Sends the messages of a conversation after `afterSeq`, at most `maxSyncBatch` of them. */
export async function replayMessages(
  ctx: BrokerContext,
  session: Session,
  conversationId: string,
  afterSeq: number,
): Promise<void> {
  const batch = ctx.limits.maxSyncBatch;
  // One more than a batch tells whether anything remains without a second query.
  const messages = await ctx.storage.listMessages(conversationId, afterSeq, batch + 1);
  const complete = messages.length <= batch;
  if (!complete) messages.length = batch;
  session.send({ type: 'chat.messages', conversationId, messages, complete } satisfies ServerFrame);
}
