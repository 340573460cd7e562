/**
 * Which relay nodes are alive, as one node sees it: every node heartbeats, and a node not heard
 * from for `deadAfterMs` is down. A node is known by its id and by the bus instance behind it,
 * so a node restarted under the same id (a new instance) counts as down and up again: whatever
 * the old process owned is gone with it. This node itself is always a member while it runs.
 */

/** What hearing a heartbeat changed. */
export type Heard = 'known' | 'new' | 'restarted';

/** The live nodes and when each was last heard from. */
export class Membership {
  private readonly seen = new Map<string, { inst: string; at: number }>();

  constructor(
    private readonly self: string,
    private readonly deadAfterMs: number,
  ) {}

  /** Records a heartbeat of `node` (bus instance `inst`) at `now`. */
  heard(node: string, inst: string, now: number): Heard {
    if (node === this.self) return 'known';
    const entry = this.seen.get(node);
    this.seen.set(node, { inst, at: now });
    if (entry === undefined) return 'new';
    return entry.inst === inst ? 'known' : 'restarted';
  }

  /** Removes `node` when it said goodbye; false when that was not its current instance (a late goodbye of a restarted node). */
  left(node: string, inst: string): boolean {
    const entry = this.seen.get(node);
    if (entry === undefined || entry.inst !== inst) return false;
    this.seen.delete(node);
    return true;
  }

  /** Removes and returns the nodes not heard from within `deadAfterMs` of `now`. */
  sweep(now: number): string[] {
    const dead: string[] = [];
    for (const [node, entry] of this.seen) {
      if (now - entry.at > this.deadAfterMs) dead.push(node);
    }
    for (const node of dead) this.seen.delete(node);
    return dead;
  }

  /**
   * Counts every known node as heard from at `now`: after this node's own bus was cut off, their
   * silence said nothing about them, so they get a full `deadAfterMs` to be heard again.
   */
  forgive(now: number): void {
    for (const entry of this.seen.values()) entry.at = now;
  }

  /** Whether `node` is live. */
  has(node: string): boolean {
    return node === this.self || this.seen.has(node);
  }

  /** The live nodes, this one included, sorted. */
  live(): string[] {
    return [this.self, ...this.seen.keys()].sort();
  }

  /** The live nodes other than this one. */
  others(): string[] {
    return [...this.seen.keys()];
  }
}
