/**
 * The local registry: which connections of this relay node receive which topics, and who is
 * online here. The broker delivers bus envelopes through it.
 */
import type { Envelope, Topic } from '../bus/bus.js';
import type { Session } from './session.js';

/** Connections of this node by topic. */
export class Registry {
  private readonly byTopic = new Map<Topic, Set<Session>>();
  /** Distinct `agent:<id>` topics with members, kept as a count so presence is O(1). */
  private agents = 0;

  /** Subscribes a session to a topic. */
  join(session: Session, topic: Topic): void {
    let set = this.byTopic.get(topic);
    if (!set) {
      this.byTopic.set(topic, (set = new Set()));
      if (topic.startsWith('agent:')) this.agents++;
    }
    set.add(session);
    session.topics.add(topic);
  }

  /** Unsubscribes a session from a topic. */
  leave(session: Session, topic: Topic): void {
    const set = this.byTopic.get(topic);
    if (set) {
      set.delete(session);
      if (set.size === 0) {
        this.byTopic.delete(topic);
        if (topic.startsWith('agent:')) this.agents--;
      }
    }
    session.topics.delete(topic);
  }

  /** Unsubscribes a session from everything (it disconnected). */
  leaveAll(session: Session): void {
    for (const topic of [...session.topics]) this.leave(session, topic);
  }

  /** The sessions subscribed to a topic. */
  members(topic: Topic): ReadonlySet<Session> {
    return this.byTopic.get(topic) ?? EMPTY;
  }

  /** How many sessions are subscribed to a topic. */
  count(topic: Topic): number {
    return this.byTopic.get(topic)?.size ?? 0;
  }

  /** Number of distinct agents with at least one connection here. */
  agentsOnline(): number {
    return this.agents;
  }

  /** Sends an envelope's frame once to every session subscribed to any of its topics. */
  deliver(envelope: Envelope): void {
    if (envelope.topics.length === 1) {
      for (const session of this.members(envelope.topics[0]!)) {
        if (session.id !== envelope.except) session.send(envelope.frame);
      }
      return;
    }
    const seen = new Set<Session>();
    for (const topic of envelope.topics) {
      for (const session of this.members(topic)) {
        if (seen.has(session) || session.id === envelope.except) continue;
        seen.add(session);
        session.send(envelope.frame);
      }
    }
  }
}

const EMPTY: ReadonlySet<Session> = new Set();
