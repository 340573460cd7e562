/**
 * Presence per site: a visitor is told how many agents could answer them, which are the agents
 * serving their site (its members and the admins), not every agent of the installation. Each
 * site's visitor connections share one topic, `site:<siteId>`, on which `presence` changes go.
 */
import type { ServerFrame } from '@parley/protocol';
import type { Topic } from '../bus/bus.js';
import { agentsServing } from './access.js';
import type { Registry } from './registry.js';
import type { Session } from './session.js';

const SITE_PREFIX = 'site:';

/** One string per site, shared by all its visitor connections (an idle tab keeps no topic string of its own). */
const siteTopicCache = new Map<string, Topic>();

/** The topic of every visitor connection of a site. */
export function siteVisitorsTopic(siteId: string): Topic {
  let topic = siteTopicCache.get(siteId);
  if (topic === undefined) {
    topic = `${SITE_PREFIX}${siteId}`;
    siteTopicCache.set(siteId, topic);
  }
  return topic;
}

/** Distinct agents with a connection on this node serving the site. */
export function siteAgentsOnline(registry: Registry, siteId: string): number {
  return new Set(agentsServing(registry, siteId).map((session) => session.subjectId)).size;
}

/** The online count of each site an agent connection counts for (an admin's: every site with a visitor here). */
export function presenceBefore(registry: Registry, session: Session): Map<string, number> {
  const sites =
    session.siteIds ??
    registry
      .topics()
      .filter((topic) => topic.startsWith(SITE_PREFIX))
      .map((topic) => topic.slice(SITE_PREFIX.length));
  return new Map(sites.map((siteId) => [siteId, siteAgentsOnline(registry, siteId)]));
}

/** Tells each site's visitors its new count, where it changed since `before`. */
export function publishPresence(registry: Registry, before: ReadonlyMap<string, number>, publish: (topics: Topic[], frame: ServerFrame) => void): void {
  for (const [siteId, was] of before) {
    const agentsOnline = siteAgentsOnline(registry, siteId);
    if (agentsOnline !== was) publish([siteVisitorsTopic(siteId)], { type: 'presence', agentsOnline } satisfies ServerFrame);
  }
}

/** Distinct agents online serving any site an agent connection serves (every agent here, for an admin). */
export function agentAgentsOnline(registry: Registry, session: Session): number {
  if (session.siteIds === null) return registry.agentsOnline();
  const agents = new Set<string>();
  for (const siteId of session.siteIds) for (const other of agentsServing(registry, siteId)) agents.add(other.subjectId);
  return agents.size;
}

/**
 * The count each agent connection of this node was last told (in its welcome or a `presence`),
 * so that a change is sent to the consoles whose count it changes, and only once.
 */
export class AgentPresence {
  private readonly told = new Map<Session, number>();

  /** Records the count an agent connection's welcome carried. */
  welcomed(session: Session, agentsOnline: number): void {
    this.told.set(session, agentsOnline);
  }

  /** Forgets a closed connection. */
  forget(session: Session): void {
    this.told.delete(session);
  }

  /** An agent came or went: each agent connection whose count changed is told its new one. */
  update(registry: Registry): void {
    for (const [session, was] of this.told) {
      const agentsOnline = agentAgentsOnline(registry, session);
      if (agentsOnline === was) continue;
      this.told.set(session, agentsOnline);
      session.send({ type: 'presence', agentsOnline } satisfies ServerFrame);
    }
  }

  /** Forgets every connection (the broker is closing). */
  close(): void {
    this.told.clear();
  }
}
