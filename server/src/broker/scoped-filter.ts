/**
 * Store filters narrowed to the sites an agent connection serves, so a list or a count never
 * holds another site's conversations or callback requests.
 */
import type { CallbackFilter, ConversationFilter } from '../storage/storage.js';
import type { Session } from './session.js';

/** `filter` limited to the session's sites (unchanged for an admin, who serves every site). */
export function scoped<F extends ConversationFilter | CallbackFilter>(session: Session, filter: F): F {
  if (session.role === 'visitor' || session.siteIds === null) return filter;
  return { ...filter, siteIds: [...session.siteIds] };
}
