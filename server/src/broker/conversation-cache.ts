/**
 * The broker's copy of recently used conversations, so that checking who may touch one (its
 * visitor, site, status and assignee) and announcing it after a message cost no store read.
 *
 * Coherence: the copy follows `Storage.watch`, which reports every committed create, patch,
 * append and visitor merge made through this node's store object, whoever made it (a broker
 * action or `POST /api/visitors`). A watched change lands before the write's promise settles,
 * so a task that awaited a write, or queued behind one, never sees an older copy.
 *
 * Several nodes: each node's own writes arrive through `watch`; the other nodes' writes arrive
 * as invalidations over the bus (`cluster/store-changes.ts`), and the entry is dropped, to be
 * read again on its next use. A write that must not act on a stale copy (taking, reopening) is
 * a conditional write in the store anyway (`conditional.ts`).
 */
import type { Conversation, Storage, StorageChange } from '../storage/storage.js';
import type { FollowsRemoteChanges, RemoteChange } from './cluster/store-changes.js';
import { LruMap } from './lru-map.js';

/** Conversations kept by default: a few MB, far more than one node has in flight. */
export const DEFAULT_CONVERSATION_CACHE_SIZE = 10_000;

/** A bounded, least-recently-used copy of conversations, kept in step with the store. */
export class ConversationCache implements FollowsRemoteChanges {
  readonly #storage: Storage;
  readonly #entries: LruMap<string, Conversation>;
  /** Bumped whenever entries are dropped, so a read that raced the drop is not kept. */
  #generation = 0;
  readonly #unwatch: () => void;

  /** @param capacity Most conversations kept; 0 keeps none (every lookup reads the store). */
  constructor(storage: Storage, capacity = DEFAULT_CONVERSATION_CACHE_SIZE) {
    this.#storage = storage;
    this.#entries = new LruMap(capacity);
    this.#unwatch = storage.watch((change) => this.storageOnChange(change));
  }

  /** Number of conversations held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The conversation, from the copy or else from the store (then kept). Null when it does not
   * exist. A copy comes frozen, because it is shared: change it only by spreading it.
   */
  async load(id: string): Promise<Conversation | null> {
    const cached = this.#entries.get(id);
    if (cached) return cached;
    const generation = this.#generation;
    const conversation = await this.#storage.getConversation(id);
    // While the read was under way a watched change may have stored a newer state (keep it), or
    // a merge may have dropped entries this read predates (keep nothing).
    if (conversation && generation === this.#generation && !this.#entries.has(id)) this.#remember(conversation);
    return conversation;
  }

  /** Stops following the store and forgets everything. */
  close(): void {
    this.#unwatch();
    this.#generation++;
    this.#entries.deleteWhere(() => true);
  }

  /** Another node changed something: drop what it may have made stale (a read under way is not kept). */
  forget(change: RemoteChange): void {
    if (change.kind === 'visitor') return;
    this.#generation++;
    if (change.kind === 'conversation') this.#entries.delete(change.id);
    else this.#entries.deleteWhere((conversation) => conversation.visitorId === change.fromId);
  }

  private storageOnChange(change: StorageChange): void {
    if (change.kind === 'conversation') {
      this.#remember(change.conversation);
    } else if (change.kind === 'visitor-merged') {
      // The merged-away visitor must lose access at once: drop rather than rewrite, so the next
      // use reads the moved conversations as they are stored.
      this.#generation++;
      this.#entries.deleteWhere((conversation) => conversation.visitorId === change.fromId);
    }
  }

  #remember(conversation: Conversation): void {
    // Its own frozen copy: neither the store's caller nor a user of the copy can change it.
    const { lastMessage } = conversation;
    this.#entries.set(conversation.id, Object.freeze({ ...conversation, lastMessage: lastMessage && Object.freeze({ ...lastMessage }) }));
  }
}
