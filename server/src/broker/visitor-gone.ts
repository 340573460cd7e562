/**
 * A visitor's write after the visitor is gone. A labelled visitor that proves a user's identity
 * on one connection is folded into that user and deleted; its other connections still act as
 * it until they get a token again. Their writes fail on the missing row, which is no fault of
 * the relay: they are answered `unauthorized` (close 4001), so the widget fetches a token anew.
 */
import { ParleyError } from '@parley/protocol';
import { isStorageError } from '../storage/storage-error.js';
import type { BrokerContext } from './context.js';

/**
 * Runs `task`, a write of visitor `visitorId`; a `not_found` it throws because the visitor no
 * longer exists becomes `ParleyError('unauthorized')`. Any other failure passes through.
 */
export async function whileVisitorExists<T>(ctx: BrokerContext, visitorId: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (isStorageError(error, 'not_found') && !(await ctx.storage.getVisitor(visitorId))) {
      throw new ParleyError('unauthorized', 'This visitor no longer exists.');
    }
    throw error;
  }
}
