/**
 * Catching a node's connections up after frames between nodes were lost: the bus only signals,
 * so what one node published while the bus was down (or while this node was cut off from it)
 * never reached the others' connections. The store has it all. When a node regains the bus it
 * asks every node (itself included) to look at the conversations changed since it last knew the
 * bus was up; each node then hands its own connections of those conversations:
 *
 * - the conversation's newest message: a client holding an older one sees the gap in seq and
 *   asks for the rest (`chat.sync`), a client holding it already ignores it (clients merge by
 *   seq), so nothing is shown twice;
 * - the conversation's summary for the inboxes of its site's agents on this node.
 *
 * Delivery is local (this node's registry), never published: every node does its own share.
 * A node that dies without a goodbye may have stored and acknowledged a message it never
 * published; the survivors look back over the time it was last heard from in the same way.
 */
import type { ConversationSummary, ServerFrame } from '@parley/protocol';
import type { Bus, Topic } from '../../bus/bus.js';
import type { Conversation } from '../../storage/storage.js';
import { ADMINS_TOPIC } from '../access.js';
import { LruMap } from '../lru-map.js';
import type { BrokerContext } from '../context.js';

/** The control-message kind asking every node to catch its connections up. */
export const CATCH_UP = 'bus.catch-up';

/** Conversations looked at in one catch-up (the newest changed); older ones wait for their clients' resync. */
export const MOST_CAUGHT_UP = 2_000;

/** How far before the last moment the bus was known up a catch-up looks, for clocks and in-flight frames. */
const LOOK_BACK_MS = 2_000;

/** How long a catch-up waits for other asks of the same outage to join it. */
const COALESCE_MS = 100;

/** How often the node notes that its bus is up. */
const UP_CHECK_MS = 500;

/** What a catch-up needs from the broker. */
export type CatchUpContext = Pick<BrokerContext, 'storage' | 'registry' | 'now' | 'messageTopics' | 'summarize' | 'log'>;

/** Runs catch-ups on this node when it, or another node, lost frames. */
export class CatchUp {
  readonly #ctx: CatchUpContext;
  /** The last time this node saw its bus up. */
  #lastUp: number;
  readonly #timer: NodeJS.Timeout;
  #closed = false;
  readonly #stops: (() => void)[];
  /** The catch-up under way, so that two in a row run one after the other. */
  #running: Promise<void> = Promise.resolve();
  /** A catch-up asked for but not begun: later asks join it, from the earliest time asked. */
  #queued: { since: number; done: Promise<void> } | null = null;
  /** The newest seq handed out per conversation, so nodes asking at once hand each message once. */
  readonly #handed = new LruMap<string, number>(MOST_CAUGHT_UP);

  constructor(ctx: CatchUpContext, bus: Bus, deadAfterMs: number) {
    this.#ctx = ctx;
    this.#lastUp = ctx.now();
    this.#timer = setInterval(() => {
      if (bus.isUp()) this.#lastUp = ctx.now();
    }, UP_CHECK_MS);
    this.#timer.unref();
    this.#stops = [
      bus.onControl<{ since: number }>(CATCH_UP, ({ body }) => void this.run(body.since)),
      // Back on the bus: everyone (this node too) hands out what this node's absence hid.
      bus.onReconnect(() => bus.send(CATCH_UP, { since: this.#lastUp - LOOK_BACK_MS })),
      // A node gone without a goodbye may have acknowledged messages it never published.
      bus.onNodeDown(() => void this.run(ctx.now() - deadAfterMs - LOOK_BACK_MS)),
    ];
  }

  /**
   * Hands this node's connections what changed after `since`; resolves when done. Asks made
   * while one waits to begin (every node regaining the bus at once asks everyone) join it.
   */
  run(since: number): Promise<void> {
    if (this.#queued) {
      this.#queued.since = Math.min(this.#queued.since, since);
      return this.#queued.done;
    }
    const queued = { since, done: Promise.resolve() };
    queued.done = this.#running.then(async () => {
      // A moment for the other nodes' asks of the same outage to arrive and join this one.
      await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
      this.#queued = null;
      if (this.#closed) return;
      await this.#catchUp(queued.since).catch((error: unknown) => {
        // A node shutting down may have closed its store under a catch-up: no error then.
        if (!this.#closed) this.#ctx.log.error('catch-up after lost bus frames failed', { error });
      });
    });
    this.#queued = queued;
    this.#running = queued.done;
    return queued.done;
  }

  /** Stops the timer and the handlers. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const stop of this.#stops) stop();
  }

  async #catchUp(since: number): Promise<void> {
    const { storage, registry } = this.#ctx;
    const changed = await storage.listConversations({ updatedAfter: since, limit: MOST_CAUGHT_UP });
    const summaries = new Map<string, ConversationSummary[]>();
    for (const conversation of changed) {
      const topics = this.#ctx.messageTopics(conversation).filter((topic) => registry.count(topic) > 0);
      if (topics.length > 0 && conversation.lastSeq > 0) await this.#newest(conversation, topics);
      if (registry.count(`agents:${conversation.siteId}`) > 0 || registry.count(ADMINS_TOPIC) > 0) {
        const summary = await this.#ctx.summarize(conversation);
        const group = summaries.get(conversation.siteId);
        if (group) group.push(summary);
        else summaries.set(conversation.siteId, [summary]);
      }
    }
    const all: ConversationSummary[] = [];
    for (const [siteId, group] of summaries) {
      all.push(...group);
      registry.deliver({ topics: [`agents:${siteId}`], frame: { type: 'inbox.updates', conversations: group } satisfies ServerFrame });
    }
    if (all.length > 0) registry.deliver({ topics: [ADMINS_TOPIC], frame: { type: 'inbox.updates', conversations: all } satisfies ServerFrame });
    if (changed.length > 0) this.#ctx.log.info('caught connections up after lost bus frames', { conversations: changed.length, since });
  }

  /** The conversation's newest message to this node's connections of it. */
  async #newest(conversation: Conversation, topics: Topic[]): Promise<void> {
    if ((this.#handed.get(conversation.id) ?? 0) >= conversation.lastSeq) return;
    const [message] = await this.#ctx.storage.listMessages(conversation.id, conversation.lastSeq - 1, 1);
    if (!message) return;
    this.#handed.set(conversation.id, message.seq);
    this.#ctx.registry.deliver({ topics, frame: { type: 'chat.message', message } satisfies ServerFrame });
  }
}
