/**
 * Keeps open agent connections within the sites their agent belongs to. Memberships change in
 * the store, often from another process (`parley agent sites`), which this relay's store does
 * not hear about; so every `intervalMs` the memberships of the agents connected here are read
 * again, and a connection whose scope changed is closed with `sites_changed` (4010). The
 * console reconnects at once and its new `welcome` lists what the agent now sees, so nothing
 * of a site it left stays on its screen and nothing of a site it joined is missing.
 */
import type { Agent, Storage } from '../storage/storage.js';
import { siteScope } from './access.js';
import type { Session } from './session.js';

/** Default time between two reads of the memberships of the connected agents. */
export const DEFAULT_SCOPE_REFRESH_MS = 10_000;

/** What the refresh reads: the store, and the agent record the connections' scopes came from. */
export interface ScopeRefreshDeps {
  storage: Pick<Storage, 'listAgentSites'>;
  /** The agent as `hello` saw it (the same cache, so both compute a scope from the same role). */
  agent(agentId: string): Promise<Agent | null>;
  /** Told when a refresh failed (the store was unreachable); the next one tries again. */
  onError(error: unknown): void;
}

/** The agent connections of one node, and the timer that re-reads their scope. */
export class ScopeRefresh {
  private readonly sessions = new Set<Session>();
  private readonly deps: ScopeRefreshDeps;
  private readonly timer: NodeJS.Timeout | null;
  private running = false;

  /** @param intervalMs time between refreshes; 0 or less: never (tests call `refresh`). */
  constructor(intervalMs: number, deps: ScopeRefreshDeps) {
    this.deps = deps;
    this.timer = intervalMs > 0 ? setInterval(timerOnRefresh, intervalMs, this) : null;
    // Nothing here is worth keeping a process alive for.
    this.timer?.unref();
  }

  /** Follows an agent connection whose `hello` set its scope. */
  track(session: Session): void {
    if (session.role === 'agent') this.sessions.add(session);
  }

  /** Stops following a connection that closed. */
  untrack(session: Session): void {
    this.sessions.delete(session);
  }

  /** Reads every connected agent's memberships once; closes the connections whose scope changed. Resolves with how many. */
  async refresh(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const byAgent = new Map<string, Session[]>();
      for (const session of this.sessions) {
        const list = byAgent.get(session.subjectId);
        if (list) list.push(session);
        else byAgent.set(session.subjectId, [session]);
      }
      let closed = 0;
      for (const [agentId, sessions] of byAgent) {
        const agent = await this.deps.agent(agentId);
        if (!agent) continue;
        const scope = siteScope(agent, await this.deps.storage.listAgentSites(agentId));
        for (const session of sessions) {
          if (!this.sessions.has(session) || sameScope(session.siteIds, scope)) continue;
          this.sessions.delete(session);
          session.close('sites_changed');
          closed++;
        }
      }
      return closed;
    } finally {
      this.running = false;
    }
  }

  /** One timer tick: a refresh whose failure is reported, not thrown. */
  tick(): void {
    this.refresh().catch((error: unknown) => this.deps.onError(error));
  }

  /** Stops the timer and forgets every connection (the broker is closing). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.sessions.clear();
  }
}

/** True when two scopes name the same sites (null: every site). */
function sameScope(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((siteId) => b.includes(siteId));
}

function timerOnRefresh(refresh: ScopeRefresh): void {
  refresh.tick();
}
