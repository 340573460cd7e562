/**
 * Calls across relay nodes. A call lives on one node, its owner (where it was started): its
 * state, timers and decisions are there. Each time the owner delivers the call's state it also
 * tells the other nodes (`CALL_STATE`, with who may see it), and every node hands that state to
 * its own connections concerned: the visitor's tabs, agents following the conversation, the
 * call's agent, the agents it rings. The participants get theirs from the owner directly (they
 * see `mine: true`). Every node keeps what it was told, so a connection saying hello anywhere
 * finds the calls it is concerned with, and a frame about a call owned elsewhere is forwarded
 * to its owner (`cluster/peers.ts`). When the owner goes down, every node ends its calls for its
 * own connections, and one node writes the line on the timeline.
 */
import type { CallInfo, ServerFrame } from '@parley/protocol';
import { asJson, type Bus } from '../../bus/bus.js';
import { agentsServing, servesSite } from '../access.js';
import type { Registry } from '../registry.js';
import type { Session } from '../session.js';
import type { Call } from './call.js';
import { infoOf, type CallState } from './call-state.js';
import { callTransition, type CallEffect } from './call-transition.js';

/** The control kind carrying a call's state to the other nodes. */
export const CALL_STATE = 'call.state';

/** A call's state as every node needs it to reach its own connections. */
export type CallSpec = {
  owner: string;
  /** True while the agents a visitor's call rang hear of it (it rings, or they are told it stopped). */
  ringing: boolean;
  /** The call itself (its participants hear from the owner). */
  state: CallState;
};

/** The spec of a call on its owner. */
export function specOf(call: Call, owner: string, ringing: boolean): CallSpec {
  return { owner, ringing, state: call.state };
}

/** This node's connections concerned with a call, but its participants. */
export function audienceOf(registry: Registry, spec: CallSpec): Set<Session> {
  const { state } = spec;
  const audience = new Set<Session>(registry.members(`visitor:${state.visitorId}`));
  for (const session of registry.members(`conversation:${state.conversationId}`)) audience.add(session);
  if (state.agentId !== null) for (const session of registry.members(`agent:${state.agentId}`)) audience.add(session);
  if (spec.ringing) {
    const ringing = state.ringAgentId === null ? agentsServing(registry, state.siteId) : registry.members(`agent:${state.ringAgentId}`);
    for (const session of ringing) if (!state.declined.includes(session.subjectId)) audience.add(session);
  }
  const { visitor, agent } = state.participants;
  for (const session of [...audience]) if (session.id === visitor?.connection || session.id === agent?.connection) audience.delete(session);
  return audience;
}

/** The calls other nodes own, as they told this one. */
export class CallDirectory {
  readonly #bus: Bus;
  readonly #registry: Registry;
  readonly #calls = new Map<string, CallSpec>();
  readonly #stops: (() => void)[];

  /**
   * @param ownerLost called on one node (the first live one) for each call of a node that went
   * down, with what its end leaves on the conversation.
   * @param now the clock the end is stamped with.
   */
  constructor(bus: Bus, registry: Registry, ownerLost: (spec: CallSpec, effects: readonly CallEffect[]) => void, now: () => number = Date.now) {
    this.#bus = bus;
    this.#registry = registry;
    this.#stops = [
      bus.onControl(CALL_STATE, ({ from, body }) => {
        if (from === bus.nodeId) return;
        this.#take(body as unknown as CallSpec);
      }),
      bus.onNodeDown((node) => {
        const lost = [...this.#calls.values()].filter((spec) => spec.owner === node);
        const writer = bus.nodes()[0] === bus.nodeId;
        for (const spec of lost) {
          const outcome = callTransition(spec.state, { type: 'owner-lost' }, now());
          if ('refused' in outcome) continue;
          // The agents it rang hear it as they last did, so it stops ringing for them.
          this.#take({ ...spec, state: outcome.state });
          if (writer) ownerLost(spec, outcome.effects);
        }
      }),
    ];
  }

  /** Tells the other nodes the state of a call this node owns (nothing when it is alone). */
  publish(call: Call, ringing: boolean): void {
    if (!this.#bus.alone()) this.#bus.send(CALL_STATE, asJson(specOf(call, this.#bus.nodeId, ringing)));
  }

  /** A call another node owns, by id. */
  get(callId: string): CallSpec | undefined {
    return this.#calls.get(callId);
  }

  /** The call of a conversation another node owns, if any. */
  ofConversation(conversationId: string): CallSpec | undefined {
    for (const spec of this.#calls.values()) if (spec.state.conversationId === conversationId) return spec;
    return undefined;
  }

  /** Calls owned elsewhere that a connection saying hello here is concerned with. */
  concerning(session: Session): CallInfo[] {
    const found: CallInfo[] = [];
    for (const spec of this.#calls.values()) {
      const { state } = spec;
      const concerned =
        session.role === 'visitor'
          ? state.visitorId === session.subjectId
          : state.agentId === session.subjectId ||
            (spec.ringing &&
              servesSite(session, state.siteId) &&
              (state.ringAgentId === null || state.ringAgentId === session.subjectId) &&
              !state.declined.includes(session.subjectId));
      if (concerned) found.push(infoOf(state, false));
    }
    return found;
  }

  /** Stops listening and forgets every call. */
  close(): void {
    for (const stop of this.#stops) stop();
    this.#calls.clear();
  }

  /** Keeps (or, ended, forgets) the call and hands its state to this node's connections of it. */
  #take(spec: CallSpec): void {
    const { state } = spec;
    if (state.phase === 'ended') this.#calls.delete(state.callId);
    else this.#calls.set(state.callId, spec);
    const text = JSON.stringify({ type: 'call.state', call: infoOf(state, false) } satisfies ServerFrame);
    for (const session of audienceOf(this.#registry, spec)) session.sendText(text);
  }
}
