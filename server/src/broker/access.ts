/**
 * Who may touch which conversation, decided in one place. Every broker action that names a
 * conversation goes through `canAccess`.
 */
import { ROLES, type Role } from '@parley/protocol';
import type { Conversation } from '../storage/storage.js';
import type { Session } from './session.js';

/**
 * True when the session may read and write the conversation: a visitor only their own; an agent
 * any conversation of the sites they serve (every site, until agents are scoped to sites).
 */
export function canAccess(session: Session, conversation: Conversation): boolean {
  if (session.role === 'visitor') return conversation.visitorId === session.subjectId;
  return true;
}

/** True when `role` includes the rights of `needed` (roles are ordered weakest first). */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
