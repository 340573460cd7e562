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

/** The control kind carrying a call's state to the other nodes. */
export const CALL_STATE = 'call.state';

/** A call's state as every node needs it to reach its own connections. */
export type CallSpec = {
  owner: string;
  siteId: string;
  visitorId: string;
  /** A visitor's call still ringing: for whom (null: every agent of the site) and who declined. */
  ring: { agentId: string | null; declined: string[] } | null;
  /** The participant connections (on any node): they hear from the owner. */
  participants: string[];
  info: CallInfo;
};

/** The spec of a call on its owner. */
export function specOf(call: Call, owner: string): CallSpec {
  const ringing = call.caller === 'visitor' && !call.ringOver;
  return {
    owner,
    siteId: call.siteId,
    visitorId: call.visitorId,
    ring: ringing ? { agentId: call.ringAgentId, declined: [...call.declined] } : null,
    participants: [call.visitorSession?.id, call.agentSession?.id].filter((id): id is string => id !== undefined),
    info: call.info(false),
  };
}

/** This node's connections concerned with a call, but its participants. */
export function audienceOf(registry: Registry, spec: CallSpec): Set<Session> {
  const { info } = spec;
  const audience = new Set<Session>(registry.members(`visitor:${spec.visitorId}`));
  for (const session of registry.members(`conversation:${info.conversationId}`)) audience.add(session);
  if (info.agentId !== null) for (const session of registry.members(`agent:${info.agentId}`)) audience.add(session);
  if (spec.ring) {
    const ringing = spec.ring.agentId === null ? agentsServing(registry, spec.siteId) : registry.members(`agent:${spec.ring.agentId}`);
    for (const session of ringing) if (!spec.ring.declined.includes(session.subjectId)) audience.add(session);
  }
  for (const session of [...audience]) if (spec.participants.includes(session.id)) audience.delete(session);
  return audience;
}

/** The calls other nodes own, as they told this one. */
export class CallDirectory {
  readonly #bus: Bus;
  readonly #registry: Registry;
  readonly #calls = new Map<string, CallSpec>();
  readonly #stops: (() => void)[];

  /** @param ownerLost called on one node (the first live one) for each call of a node that went down. */
  constructor(bus: Bus, registry: Registry, ownerLost: (spec: CallSpec) => void) {
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
          const ended: CallInfo = { ...spec.info, phase: 'ended', endReason: 'disconnected', endedBy: null, endedAt: Date.now() };
          // The agents it rang are told too, so it stops ringing for them.
          this.#take({ ...spec, info: ended });
          if (writer) ownerLost(spec);
        }
      }),
    ];
  }

  /** Tells the other nodes the state of a call this node owns (nothing when it is alone). */
  publish(call: Call): void {
    if (!this.#bus.alone()) this.#bus.send(CALL_STATE, asJson(specOf(call, this.#bus.nodeId)));
  }

  /** A call another node owns, by id. */
  get(callId: string): CallSpec | undefined {
    return this.#calls.get(callId);
  }

  /** The call of a conversation another node owns, if any. */
  ofConversation(conversationId: string): CallSpec | undefined {
    for (const spec of this.#calls.values()) if (spec.info.conversationId === conversationId) return spec;
    return undefined;
  }

  /** Calls owned elsewhere that a connection saying hello here is concerned with. */
  concerning(session: Session): CallInfo[] {
    const found: CallInfo[] = [];
    for (const spec of this.#calls.values()) {
      const concerned =
        session.role === 'visitor'
          ? spec.visitorId === session.subjectId
          : spec.info.agentId === session.subjectId ||
            (spec.ring !== null &&
              servesSite(session, spec.siteId) &&
              (spec.ring.agentId === null || spec.ring.agentId === session.subjectId) &&
              !spec.ring.declined.includes(session.subjectId));
      if (concerned) found.push(spec.info);
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
    if (spec.info.phase === 'ended') this.#calls.delete(spec.info.callId);
    else this.#calls.set(spec.info.callId, spec);
    const text = JSON.stringify({ type: 'call.state', call: spec.info } satisfies ServerFrame);
    for (const session of audienceOf(this.#registry, spec)) session.sendText(text);
  }
}
