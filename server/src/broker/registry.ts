/**
 * The local registry: which connections of this relay node receive which topics, and who is
 * online here. The broker delivers bus envelopes through it.
 *
 * Memory: most connections are idle visitor tabs, each alone on its `visitor:<id>` topic. Those
 * topics live in their own map keyed by the visitor id string the session already holds, and a
 * topic with one member keeps the session itself; a Set is made only at the second member.
 */
import type { Envelope, Topic } from '../bus/bus.js';
import { FanOutPacer } from './fan-out-pacer.js';
import type { Session } from './session.js';

/** The sessions of one topic: the session itself while it is alone. */
type Members = Session | Set<Session>;

const VISITOR_PREFIX = 'visitor:';

/** Connections of this node by topic. */
export class Registry {
  /** Every topic but `visitor:<id>`. */
  private readonly byTopic = new Map<Topic, Members>();
  /** `visitor:<id>` topics, keyed by the visitor id. */
  private readonly byVisitor = new Map<string, Members>();
  /** Distinct `agent:<id>` topics with members, kept as a count so presence is O(1). */
  private agents = 0;
  /** Writes paced envelopes' fan-outs a slice per turn. */
  private readonly pacer: FanOutPacer;

  constructor(pacer = new FanOutPacer()) {
    this.pacer = pacer;
  }

  /** Subscribes a session to a topic (a session is on one `visitor:<id>` topic at most). */
  join(session: Session, topic: Topic): void {
    if (topic.startsWith(VISITOR_PREFIX)) return this.joinVisitor(session, topic);
    if (session.topics.includes(topic)) return;
    if (!add(this.byTopic, topic, session) && topic.startsWith('agent:')) this.agents++;
    session.topics.push(topic);
  }

  /** Unsubscribes a session from a topic. */
  leave(session: Session, topic: Topic): void {
    if (topic.startsWith(VISITOR_PREFIX)) {
      if (session.visitorKey !== null && topic.slice(VISITOR_PREFIX.length) === session.visitorKey) {
        remove(this.byVisitor, session.visitorKey, session);
        session.visitorKey = null;
      }
      return;
    }
    const at = session.topics.indexOf(topic);
    if (at < 0) return;
    session.topics.splice(at, 1);
    if (!remove(this.byTopic, topic, session) && topic.startsWith('agent:')) this.agents--;
  }

  /** Unsubscribes a session from everything (it disconnected). */
  leaveAll(session: Session): void {
    if (session.visitorKey !== null) {
      remove(this.byVisitor, session.visitorKey, session);
      session.visitorKey = null;
    }
    while (session.topics.length > 0) this.leave(session, session.topics[session.topics.length - 1]!);
  }

  /** The sessions subscribed to a topic (a snapshot: safe to change subscriptions while reading). */
  members(topic: Topic): Session[] {
    const members = this.lookup(topic);
    if (members === undefined) return [];
    return members instanceof Set ? [...members] : [members];
  }

  /** How many sessions are subscribed to a topic. */
  count(topic: Topic): number {
    const members = this.lookup(topic);
    if (members === undefined) return 0;
    return members instanceof Set ? members.size : 1;
  }

  /** Every topic with members here but the `visitor:<id>` ones. */
  topics(): Topic[] {
    return [...this.byTopic.keys()];
  }

  /** The visitors with a connection here. */
  visitorIds(): IterableIterator<string> {
    return this.byVisitor.keys();
  }

  /** Number of distinct agents with at least one connection here. */
  agentsOnline(): number {
    return this.agents;
  }

  /**
   * Sends an envelope's frame once to every session subscribed to any of its topics. The frame
   * is serialised once, on the first recipient, and the same string goes to all of them (an
   * envelope from another node brings its text: it is neither parsed nor serialised again).
   * A paced envelope's recipients are handed to the pacer instead.
   */
  deliver(envelope: Envelope): void {
    const { topics, except } = envelope;
    if (envelope.paced) return this.deliverPaced(envelope);
    let text: string | undefined = envelope.frameJson;
    if (topics.length === 1) {
      const members = this.lookup(topics[0]!);
      if (members === undefined) return;
      if (!(members instanceof Set)) {
        if (members.id !== except) members.sendText(text ?? JSON.stringify(envelope.frame));
        return;
      }
      for (const session of members) {
        if (session.id !== except) session.sendText((text ??= JSON.stringify(envelope.frame)));
      }
      return;
    }
    let seen: Set<Session> | undefined;
    let first: Session | undefined;
    for (const topic of topics) {
      const members = this.lookup(topic);
      if (members === undefined) continue;
      for (const session of members instanceof Set ? members : [members]) {
        if (session.id === except || session === first || seen?.has(session)) continue;
        // Most envelopes reach one or two sessions: a Set only once there is a second one.
        if (first === undefined) first = session;
        else (seen ??= new Set([first])).add(session);
        session.sendText((text ??= JSON.stringify(envelope.frame)));
      }
    }
  }

  /** Drops paced frames not yet written (the relay is closing). */
  close(): void {
    this.pacer.close();
  }

  /** Hands a paced envelope's recipients to the pacer; nothing is serialised when nobody here receives it. */
  private deliverPaced(envelope: Envelope): void {
    const sessions = this.recipients(envelope.topics, envelope.except);
    if (sessions.length > 0) this.pacer.send(sessions, envelope.frameJson ?? JSON.stringify(envelope.frame));
  }

  /** The sessions on any of `topics` but `except`, each once. */
  private recipients(topics: readonly Topic[], except: string | undefined): Session[] {
    const found = new Set<Session>();
    for (const topic of topics) {
      const members = this.lookup(topic);
      if (members === undefined) continue;
      for (const session of members instanceof Set ? members : [members]) if (session.id !== except) found.add(session);
    }
    return [...found];
  }

  private joinVisitor(session: Session, topic: Topic): void {
    const visitorId = topic.slice(VISITOR_PREFIX.length);
    // Key by the session's own id string when it is the same visitor, so no new string is kept.
    const key = visitorId === session.subjectId ? session.subjectId : visitorId;
    if (session.visitorKey === key) return;
    if (session.visitorKey !== null) remove(this.byVisitor, session.visitorKey, session);
    add(this.byVisitor, key, session);
    session.visitorKey = key;
  }

  private lookup(topic: Topic): Members | undefined {
    if (topic.startsWith(VISITOR_PREFIX)) return this.byVisitor.get(topic.slice(VISITOR_PREFIX.length));
    return this.byTopic.get(topic);
  }
}

/** Adds a member; true when the key already had members. */
function add<K>(map: Map<K, Members>, key: K, session: Session): boolean {
  const members = map.get(key);
  if (members === undefined) {
    map.set(key, session);
    return false;
  }
  if (members instanceof Set) members.add(session);
  else if (members !== session) map.set(key, new Set([members, session]));
  return true;
}

/** Removes a member; true when the key still has members. */
function remove<K>(map: Map<K, Members>, key: K, session: Session): boolean {
  const members = map.get(key);
  if (members === undefined) return false;
  if (members instanceof Set) {
    members.delete(session);
    if (members.size > 1) return true;
    // Back to one member: keep the session itself again.
    const [last] = members;
    if (last === undefined) map.delete(key);
    else map.set(key, last);
    return last !== undefined;
  }
  if (members !== session) return true;
  map.delete(key);
  return false;
}
