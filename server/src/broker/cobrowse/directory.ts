/**
 * Co-browse across relay nodes. A sharing lives on one node, its owner (where the agent asked):
 * its state, checkpoint, watchers and timers are there. The agents' state already travels on the
 * bus (conversation and assignee topics); the visitor's tabs, each told whether it is the sharing
 * tab, are this node's connections, so each time the owner tells its visitor tabs the state it
 * also tells the other nodes (`COBROWSE_STATE`) and they tell theirs. Every node keeps what it was
 * told: a tab saying hello anywhere learns where it stands (and the sharing tab, back after a
 * page load on another node, becomes the source again through the owner), and a co-browse frame
 * about a sharing owned elsewhere is forwarded to its owner (`cluster/peers.ts`). When the owner
 * goes down, every node tells its connections the sharing is over, and one writes the timeline.
 */
import { cobrowseOff, type CobrowseStatus, type ServerFrame } from '@parley/protocol';
import { asJson, type Bus } from '../../bus/bus.js';
import type { Registry } from '../registry.js';
import type { Session } from '../session.js';
import { cobrowseTransition, type CobrowseEffect } from './cobrowse-transition.js';
import type { SharingState } from './sharing-state.js';
import type { Sharing } from './sharing.js';

/** The control kind carrying a sharing's state to the other nodes. */
export const COBROWSE_STATE = 'cobrowse.state';

/** A sharing's state as every node needs it for its own visitor tabs. */
export type SharingSpec = {
  owner: string;
  conversationId: string;
  visitorId: string;
  /** The sharing tab's connection id (on any node), or null while it reloads. */
  sourceId: string | null;
  /** The tab id that consented, for a tab back after a page load. */
  tab: string | null;
  /** What the sharing tab is told, and what every other tab is told. */
  asSource: CobrowseStatus;
  asOther: CobrowseStatus;
  /** The session itself, for what its end leaves when the owner goes down. */
  state: SharingState;
};

/** The spec of a sharing on its owner. */
export function sharingSpec(sharing: Sharing, owner: string): SharingSpec {
  const status = sharing.agentStatus();
  const { live: _live, ...common } = status;
  return {
    owner,
    conversationId: sharing.conversationId,
    visitorId: sharing.visitorId,
    sourceId: sharing.state.source,
    tab: sharing.state.tab,
    asSource: { ...common, source: true },
    asOther: { ...common, source: false },
    state: sharing.state,
  };
}

/** The sharings other nodes own, as they told this one. */
export class CobrowseDirectory {
  readonly #bus: Bus;
  readonly #registry: Registry;
  readonly #sharings = new Map<string, SharingSpec>();
  readonly #stops: (() => void)[];

  /**
   * @param ownerLost called on one node (the first live one) for each sharing of a node that
   * went down, with what its end leaves on the conversation.
   * @param now the clock its end is judged with.
   */
  constructor(bus: Bus, registry: Registry, ownerLost: (spec: SharingSpec, effects: readonly CobrowseEffect[]) => void, now: () => number = Date.now) {
    this.#bus = bus;
    this.#registry = registry;
    this.#stops = [
      bus.onControl(COBROWSE_STATE, ({ from, body }) => {
        if (from !== bus.nodeId) this.#take(body as unknown as SharingSpec);
      }),
      bus.onNodeDown((node) => {
        const writer = bus.nodes()[0] === bus.nodeId;
        for (const spec of [...this.#sharings.values()]) {
          if (spec.owner !== node) continue;
          const off = cobrowseOff(spec.conversationId);
          this.#take({ ...spec, sourceId: null, asSource: { ...off, source: false }, asOther: { ...off, source: false } });
          // The agents following it see it end as well.
          const text = JSON.stringify({ type: 'cobrowse.state', status: { ...off, live: false } } satisfies ServerFrame);
          for (const session of registry.members(`conversation:${spec.conversationId}`)) session.sendText(text);
          const outcome = cobrowseTransition(spec.state, { type: 'owner-lost' }, now());
          if (writer && !('refused' in outcome)) ownerLost(spec, outcome.effects);
        }
      }),
    ];
  }

  /** Tells the other nodes what a sharing this node owns looks like to visitor tabs. */
  publish(sharing: Sharing): void {
    if (!this.#bus.alone()) this.#bus.send(COBROWSE_STATE, asJson(sharingSpec(sharing, this.#bus.nodeId)));
  }

  /** The sharing of a conversation another node owns, if any. */
  get(conversationId: string): SharingSpec | undefined {
    return this.#sharings.get(conversationId);
  }

  /** The sharings owned elsewhere of a visitor. */
  ofVisitor(visitorId: string): SharingSpec[] {
    return [...this.#sharings.values()].filter((spec) => spec.visitorId === visitorId);
  }

  /** Stops listening and forgets every sharing. */
  close(): void {
    for (const stop of this.#stops) stop();
    this.#sharings.clear();
  }

  /** Keeps (or, all off, forgets) the sharing and tells this node's tabs of the visitor. */
  #take(spec: SharingSpec): void {
    const off = spec.asOther.view === 'off' && spec.asOther.control === 'off' && spec.asOther.requestId === null;
    if (off) this.#sharings.delete(spec.conversationId);
    else this.#sharings.set(spec.conversationId, spec);
    let asSource: string | undefined;
    let asOther: string | undefined;
    for (const tab of this.#registry.members(`visitor:${spec.visitorId}`)) {
      if (tab.id === spec.sourceId) tab.sendText((asSource ??= JSON.stringify({ type: 'cobrowse.state', status: spec.asSource } satisfies ServerFrame)));
      else tab.sendText((asOther ??= JSON.stringify({ type: 'cobrowse.state', status: spec.asOther } satisfies ServerFrame)));
    }
  }
}

/** Whether a tab saying hello is the sharing tab of a sharing owned elsewhere, back after a page load. */
export function resumesSharing(spec: SharingSpec, session: Session): boolean {
  return session.tab !== null && spec.asOther.view === 'active' && spec.tab === session.tab;
}
