/**
 * The requests this node is waiting on. Each knows the nodes it asked; it resolves once each of
 * them answered or went down, or when its timer fires, whichever comes first, so a request to
 * the whole cluster costs no more than its slowest live node.
 */
import type { Json, Reply, RequestResult } from './bus.js';

interface Pending {
  /** Asked and not answered yet. */
  waiting: Set<string>;
  /** Asked and gone (down, or unreachable). */
  gone: string[];
  replies: Reply[];
  timer: NodeJS.Timeout;
  resolve: (result: RequestResult) => void;
}

/** Requests by id. */
export class PendingRequests {
  private readonly byId = new Map<string, Pending>();

  /**
   * Waits for the replies of `asked`; `unreachable` are listed as missing at once. Resolves
   * immediately when there is nobody to wait for.
   */
  open(id: string, asked: readonly string[], unreachable: readonly string[], timeoutMs: number): Promise<RequestResult> {
    return new Promise((resolve) => {
      const pending: Pending = {
        waiting: new Set(asked),
        gone: [...unreachable],
        replies: [],
        timer: setTimeout(() => this.finish(id), timeoutMs),
        resolve,
      };
      this.byId.set(id, pending);
      if (pending.waiting.size === 0) this.finish(id);
    });
  }

  /** Records `from`'s reply to request `id`; late and unknown replies are ignored. */
  reply(id: string, from: string, reply: { body: Json } | { error: string }): void {
    const pending = this.byId.get(id);
    if (pending === undefined || pending.replies.some((r) => r.from === from)) return;
    pending.replies.push('error' in reply ? { from, ok: false, error: reply.error } : { from, ok: true, body: reply.body });
    pending.waiting.delete(from);
    // Declared down a moment before its answer arrived: it did answer after all.
    const gone = pending.gone.indexOf(from);
    if (gone >= 0) pending.gone.splice(gone, 1);
    if (pending.waiting.size === 0) this.finish(id);
  }

  /** `node` went down: no request waits for it any longer. */
  nodeDown(node: string): void {
    for (const [id, pending] of [...this.byId]) {
      if (!pending.waiting.delete(node)) continue;
      pending.gone.push(node);
      if (pending.waiting.size === 0) this.finish(id);
    }
  }

  /** Resolves every request with what it has (the bus is closing). */
  finishAll(): void {
    for (const id of [...this.byId.keys()]) this.finish(id);
  }

  private finish(id: string): void {
    const pending = this.byId.get(id);
    if (pending === undefined) return;
    this.byId.delete(id);
    clearTimeout(pending.timer);
    pending.resolve({ replies: pending.replies, missing: [...pending.gone, ...pending.waiting].sort() });
  }
}
