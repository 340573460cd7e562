/**
 * Presence per site: a visitor is told how many agents could answer them, which are the agents
 * serving their site (its members and the admins), not every agent of the installation, on any
 * relay node (`cluster/presence.ts` holds the other nodes'). Each site's visitor connections
 * share one topic, `site:<siteId>`; each node tells its own visitors of a change.
 */
import type { ServerFrame } from '@parley/protocol';
import type { Topic } from '../bus/bus.js';
import { agentsServing } from './access.js';
import type { PresenceBoard } from './cluster/presence.js';
import type { Registry } from './registry.js';
import type { Session } from './session.js';

const SITE_PREFIX = 'site:';
const AGENT_PREFIX = 'agent:';

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

/** Distinct agents online serving the site: connected here, or to another node (`board`). */
export function siteAgentsOnline(registry: Registry, board: PresenceBoard | null, siteId: string): number {
  const agents = new Set(agentsServing(registry, siteId).map((session) => session.subjectId));
  return board ? board.agentsElsewhere(siteId, agents).size : agents.size;
}

/** Distinct agents online serving any site an agent connection serves (every agent, for an admin). */
export function agentAgentsOnline(registry: Registry, board: PresenceBoard | null, session: Session): number {
  const agents = new Set<string>();
  if (session.siteIds === null) {
    for (const topic of registry.topics()) if (topic.startsWith(AGENT_PREFIX)) agents.add(topic.slice(AGENT_PREFIX.length));
    board?.allAgentsElsewhere(agents);
    return agents.size;
  }
  for (const siteId of session.siteIds) {
    for (const other of agentsServing(registry, siteId)) agents.add(other.subjectId);
    board?.agentsElsewhere(siteId, agents);
  }
  return agents.size;
}

/**
 * The count of agents online each site's visitors on this node were last told (in a welcome or
 * a `presence`), so that a change on any node reaches them once, delivered by this node.
 */
export class SitePresence {
  private readonly told = new Map<string, number>();

  /** A visitor of the site was welcomed with this count. */
  welcomed(siteId: string, agentsOnline: number): void {
    this.told.set(siteId, agentsOnline);
  }

  /** Agents came or went somewhere: each site's visitors here whose count changed are told. */
  update(registry: Registry, board: PresenceBoard | null): void {
    for (const topic of registry.topics()) {
      if (!topic.startsWith(SITE_PREFIX)) continue;
      const siteId = topic.slice(SITE_PREFIX.length);
      const agentsOnline = siteAgentsOnline(registry, board, siteId);
      if (this.told.get(siteId) === agentsOnline) continue;
      this.told.set(siteId, agentsOnline);
      registry.deliver({ topics: [topic], frame: { type: 'presence', agentsOnline } satisfies ServerFrame });
    }
  }
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
  update(registry: Registry, board: PresenceBoard | null): void {
    for (const [session, was] of this.told) {
      const agentsOnline = agentAgentsOnline(registry, board, session);
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
