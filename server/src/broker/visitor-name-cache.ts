/**
 * The display names of recently active visitors, so that a visitor's message (its author name)
 * and the inbox announcement after it cost no store read. Kept in step with the store, and with
 * the other nodes' writes, the same way as `conversation-cache.ts`.
 */
import type { Storage, StorageChange } from '../storage/storage.js';
import type { FollowsRemoteChanges, RemoteChange } from './cluster/store-changes.js';
import { LruMap } from './lru-map.js';

/** Visitors kept by default. */
export const DEFAULT_VISITOR_NAME_CACHE_SIZE = 10_000;

/** A bounded copy of visitor names (null for an anonymous visitor), kept in step with the store. */
export class VisitorNameCache implements FollowsRemoteChanges {
  readonly #storage: Storage;
  readonly #names: LruMap<string, string | null>;
  /** Bumped whenever names are dropped, so a read that raced the drop is not kept. */
  #generation = 0;
  readonly #unwatch: () => void;

  /** @param capacity Most visitors kept; 0 keeps none. */
  constructor(storage: Storage, capacity = DEFAULT_VISITOR_NAME_CACHE_SIZE) {
    this.#storage = storage;
    this.#names = new LruMap(capacity);
    this.#unwatch = storage.watch((change) => this.storageOnChange(change));
  }

  /** The visitor's name: null when anonymous, undefined when there is no such visitor. */
  async load(visitorId: string): Promise<string | null | undefined> {
    const cached = this.#names.get(visitorId);
    if (cached !== undefined) return cached;
    const generation = this.#generation;
    const visitor = await this.#storage.getVisitor(visitorId);
    if (!visitor) return undefined;
    if (generation === this.#generation && !this.#names.has(visitorId)) this.#names.set(visitorId, visitor.name);
    return visitor.name;
  }

  /** Stops following the store and forgets everything. */
  close(): void {
    this.#unwatch();
    this.#generation++;
    this.#names.deleteWhere(() => true);
  }

  /** Another node changed a visitor: drop its name (a read under way is not kept). */
  forget(change: RemoteChange): void {
    if (change.kind === 'conversation') return;
    this.#generation++;
    this.#names.delete(change.kind === 'visitor' ? change.id : change.fromId);
  }

  private storageOnChange(change: StorageChange): void {
    if (change.kind === 'visitor') {
      this.#names.set(change.visitor.id, change.visitor.name);
    } else if (change.kind === 'visitor-merged') {
      this.#generation++;
      this.#names.delete(change.fromId);
    }
  }
}
