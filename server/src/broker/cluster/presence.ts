/**
 * Presence across relay nodes: a visitor is online when any node has a connection of theirs, and
 * the agents online for a site are those connected to any node. Each node tells the others its
 * changes (a visitor's first tab here, their last tab gone; an agent's first or last connection
 * here, with the sites they serve), and its whole state when it meets a node (a new one, one back
 * after a restart) or regains the bus (deltas sent meanwhile were lost). A node that goes down
 * takes its entries with it.
 *
 * The board holds only the OTHER nodes' entries; this node's own presence is its registry.
 */
import type { Bus } from '../../bus/bus.js';

/** Control kinds. */
export const VISITOR_PRESENCE = 'presence.visitor';
export const AGENT_PRESENCE = 'presence.agent';
export const PRESENCE_STATE = 'presence.state';

/** An agent online on a node and the sites they serve (null: every site, an admin). */
export type OnlineAgent = {
  id: string;
  sites: readonly string[] | null;
};

/** An agent as sent between nodes. */
type SentAgent = { id: string; sites: string[] | null };

/** One node's presence. */
interface NodePresence {
  visitors: Set<string>;
  agents: Map<string, readonly string[] | null>;
}

/** A node's whole presence, as sent. */
type PresenceState = {
  visitors: string[];
  agents: SentAgent[];
};

/** What the board needs from this node, and tells it. */
export interface PresenceHost {
  /** This node's own presence, for a node that needs all of it. */
  localState(): { visitors: string[]; agents: OnlineAgent[] };
  /** Visitors whose presence anywhere may have changed (another node's entries moved). */
  visitorsChanged(visitorIds: string[]): void;
  /** The agents online for some sites may have changed (on any node, this one included). */
  agentsChanged(): void;
}

/** The other nodes' visitors and agents online. */
export class PresenceBoard {
  readonly #bus: Bus;
  readonly #host: PresenceHost;
  readonly #nodes = new Map<string, NodePresence>();
  readonly #stops: (() => void)[];

  constructor(bus: Bus, host: PresenceHost) {
    this.#bus = bus;
    this.#host = host;
    this.#stops = [
      bus.onControl<{ id: string; on: boolean }>(VISITOR_PRESENCE, ({ from, body }) => {
        if (from === bus.nodeId) return;
        const node = this.#node(from);
        if (body.on) node.visitors.add(body.id);
        else node.visitors.delete(body.id);
        host.visitorsChanged([body.id]);
      }),
      bus.onControl<{ agent: SentAgent; on: boolean }>(AGENT_PRESENCE, ({ from, body }) => {
        if (from !== bus.nodeId) {
          const node = this.#node(from);
          if (body.on) node.agents.set(body.agent.id, body.agent.sites);
          else node.agents.delete(body.agent.id);
        }
        host.agentsChanged();
      }),
      bus.onControl<PresenceState>(PRESENCE_STATE, ({ from, body }) => {
        if (from === bus.nodeId) return;
        const before = this.#nodes.get(from);
        const next: NodePresence = { visitors: new Set(body.visitors), agents: new Map(body.agents.map((a) => [a.id, a.sites])) };
        this.#nodes.set(from, next);
        host.visitorsChanged(symmetricDifference(before?.visitors, next.visitors));
        host.agentsChanged();
      }),
      // A node met (new, or back after a restart) learns all of this node; what it had is void.
      bus.onNodeUp((nodeId) => {
        if (nodeId === bus.nodeId) return;
        this.#drop(nodeId);
        bus.send(PRESENCE_STATE, this.#state(), nodeId);
      }),
      bus.onNodeDown((nodeId) => this.#drop(nodeId)),
      // Deltas sent while the bus was down were lost: everyone gets all of this node again.
      bus.onReconnect(() => bus.send(PRESENCE_STATE, this.#state())),
    ];
  }

  /** A visitor's first connection here opened (`on`) or their last one here closed. */
  visitorHere(visitorId: string, on: boolean): void {
    // A single relay has nobody to tell (and a burst of page loads should cost it nothing).
    if (!this.#bus.alone()) this.#bus.send(VISITOR_PRESENCE, { id: visitorId, on });
  }

  /** An agent's first connection here opened (`on`) or their last one here closed. */
  agentHere(agent: OnlineAgent, on: boolean): void {
    if (this.#bus.alone()) return this.#host.agentsChanged();
    this.#bus.send(AGENT_PRESENCE, { agent: { id: agent.id, sites: agent.sites && [...agent.sites] }, on });
  }

  /** Whether another node has a connection of the visitor. */
  visitorElsewhere(visitorId: string): boolean {
    for (const node of this.#nodes.values()) if (node.visitors.has(visitorId)) return true;
    return false;
  }

  /** The agents online on other nodes serving the site (admins serve every site). */
  agentsElsewhere(siteId: string, into: Set<string>): Set<string> {
    for (const node of this.#nodes.values()) {
      for (const [agentId, sites] of node.agents) if (sites === null || sites.includes(siteId)) into.add(agentId);
    }
    return into;
  }

  /** Every agent online on other nodes. */
  allAgentsElsewhere(into: Set<string>): Set<string> {
    for (const node of this.#nodes.values()) for (const agentId of node.agents.keys()) into.add(agentId);
    return into;
  }

  /** Stops following the bus. */
  close(): void {
    for (const stop of this.#stops) stop();
    this.#nodes.clear();
  }

  #node(nodeId: string): NodePresence {
    let node = this.#nodes.get(nodeId);
    if (node === undefined) this.#nodes.set(nodeId, (node = { visitors: new Set(), agents: new Map() }));
    return node;
  }

  #drop(nodeId: string): void {
    const node = this.#nodes.get(nodeId);
    if (node === undefined) return;
    this.#nodes.delete(nodeId);
    if (node.visitors.size > 0) this.#host.visitorsChanged([...node.visitors]);
    if (node.agents.size > 0) this.#host.agentsChanged();
  }

  #state(): PresenceState {
    const { visitors, agents } = this.#host.localState();
    return { visitors, agents: agents.map((a) => ({ id: a.id, sites: a.sites && [...a.sites] })) };
  }
}

/** The ids in exactly one of the two sets. */
function symmetricDifference(a: Set<string> | undefined, b: Set<string>): string[] {
  const changed: string[] = [];
  for (const id of b) if (!a?.has(id)) changed.push(id);
  if (a) for (const id of a) if (!b.has(id)) changed.push(id);
  return changed;
}
