/**
 * Message ids that sort by creation time. The store keeps a unique index on message ids, and a
 * random id lands on a random page of it, so each message would rewrite a page of its own in
 * every commit; ids that grow with time all land on the index's last page.
 */
import { nanoid } from 'nanoid';

/** Width of the time part: base-36 milliseconds fit in 9 characters until the year 5188. */
const TIME_WIDTH = 9;

/** A new message id: the time in base 36, then 12 random characters (21 in all, like a nanoid). */
export function newMessageId(now: number = Date.now()): string {
  return Math.floor(now).toString(36).padStart(TIME_WIDTH, '0') + nanoid(12);
}

/**
 * A fresh client id for a system line. Lines the relay writes are deduplicated by it like a
 * client's messages, so a line tried again under the same id is stored once.
 */
export function systemClientId(): string {
  return `sys_${nanoid()}`;
}
