/**
 * Who may touch which conversation, decided in one place. Every broker action that names a
 * conversation goes through `canAccess`, and every fan-out to agents goes to the topics of the
 * conversation's site (`siteTopics`), so what an agent is sent matches what it may open.
 *
 * Tenancy: agents and supervisors belong to sites (one or several) and see only those; admins
 * manage the installation and see every site, also sites added after they were.
 */
import { ROLES, type Role } from '@parley/protocol';
import type { Topic } from '../bus/bus.js';
import type { Agent, Conversation } from '../storage/storage.js';
import type { Registry } from './registry.js';
import type { Session } from './session.js';

/** The topic every admin connection joins: admins serve every site. */
export const ADMINS_TOPIC: Topic = 'admins';

/**
 * True when the session may read and write the conversation: a visitor only their own; an
 * agent any conversation of the sites it serves.
 */
export function canAccess(session: Session, conversation: Conversation): boolean {
  if (session.role === 'visitor') return conversation.visitorId === session.subjectId;
  return servesSite(session, conversation.siteId);
}

/** True when an agent connection serves the site (a visitor connection: when it is the visitor's site). */
export function servesSite(session: Session, siteId: string): boolean {
  if (session.role === 'visitor') return session.siteId === siteId;
  return session.siteIds === null || session.siteIds.includes(siteId);
}

/** The sites an agent serves given its memberships: null (every site) for an admin. */
export function siteScope(agent: Agent, memberships: readonly string[]): readonly string[] | null {
  return agent.role === 'admin' ? null : memberships;
}

/** True when the agent with these memberships may work on the site's conversations. */
export function agentServesSite(agent: Agent, memberships: readonly string[], siteId: string): boolean {
  return agent.role === 'admin' || memberships.includes(siteId);
}

/** The topics that reach every agent connection serving a site: its members and the admins. */
export function siteTopics(siteId: string): Topic[] {
  return [`agents:${siteId}`, ADMINS_TOPIC];
}

/** The topics an agent connection joins for its scope (admins one shared topic, so a frame reaches them once). */
export function scopeTopics(siteIds: readonly string[] | null): Topic[] {
  return siteIds === null ? [ADMINS_TOPIC] : siteIds.map((siteId): Topic => `agents:${siteId}`);
}

/** True when `role` includes the rights of `needed` (roles are ordered weakest first). */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The agent connections of this node serving a site (each once): call rings count these. */
export function agentsServing(registry: Registry, siteId: string): Session[] {
  return [...new Set(siteTopics(siteId).flatMap((topic) => registry.members(topic)))];
}
