/**
 * Keeping each node's copies (conversations, visitor names) in step with writes made by the
 * other nodes. Every committed change this node makes is told to the others as an invalidation
 * (ids only: the store is the truth, so a copy that may be stale is dropped and read again, never
 * patched from a message that could arrive out of order); a node applies only what others sent.
 */
import type { Bus } from '../../bus/bus.js';
import type { Storage, StorageChange } from '../../storage/storage.js';

/** The control-message kind of one invalidation (what nodes before batching sent; still understood). */
export const STORE_CHANGED = 'store.changed';

/** The control-message kind of the invalidations of one turn of the event loop, in order. */
export const STORE_CHANGES = 'store.changes';

/** What another node changed: what a copy must forget. */
export type RemoteChange =
  | { kind: 'conversation'; id: string }
  | { kind: 'visitor'; id: string }
  | { kind: 'visitor-merged'; fromId: string; intoId: string };

/** A copy that can forget what another node changed. */
export interface FollowsRemoteChanges {
  forget(change: RemoteChange): void;
}

/** The invalidation of a local change. */
export function toRemoteChange(change: StorageChange): RemoteChange {
  switch (change.kind) {
    case 'conversation':
      return { kind: 'conversation', id: change.conversation.id };
    case 'visitor':
      return { kind: 'visitor', id: change.visitor.id };
    case 'visitor-merged':
      return { kind: 'visitor-merged', fromId: change.fromId, intoId: change.intoId };
  }
}

/**
 * Tells the other nodes of every change committed through `storage`, and has `copies` forget
 * what the others changed. Returns the function that stops. (Sent even when no other node is
 * known yet, as one that started a moment ago may not have been heard from; only a bus that can
 * never reach another node, a single relay's, sends nothing.)
 *
 * The changes of one turn of the event loop go out as one message, each conversation once: a
 * batch of appends changes many conversations at once, and a message per change would double
 * the bus traffic of every chat message.
 */
export function shareStoreChanges(bus: Bus, storage: Storage, copies: readonly FollowsRemoteChanges[]): () => void {
  let pending: RemoteChange[] = [];
  const conversationsPending = new Set<string>();
  let stopped = false;
  const sendPending = (): void => {
    const changes = pending;
    pending = [];
    conversationsPending.clear();
    if (!stopped) bus.send(STORE_CHANGES, changes);
  };
  const apply = (from: string, changes: readonly RemoteChange[]): void => {
    if (from === bus.nodeId) return;
    for (const change of changes) for (const copy of copies) copy.forget(change);
  };
  const stops = [
    storage.watch((change) => {
      if (bus.alone()) return;
      const remote = toRemoteChange(change);
      if (remote.kind === 'conversation') {
        if (conversationsPending.has(remote.id)) return;
        conversationsPending.add(remote.id);
      }
      if (pending.length === 0) setImmediate(sendPending);
      pending.push(remote);
    }),
    bus.onControl<RemoteChange[]>(STORE_CHANGES, ({ from, body }) => apply(from, Array.isArray(body) ? body : [])),
    bus.onControl<RemoteChange>(STORE_CHANGED, ({ from, body }) => apply(from, [body])),
  ];
  return () => {
    stopped = true;
    for (const stop of stops) stop();
  };
}
