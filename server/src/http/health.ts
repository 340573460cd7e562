/**
 * Liveness and readiness for load balancers and orchestrators. `/healthz` answers while the
 * process serves HTTP at all. `/readyz` answers 200 only when this node should get new clients:
 * each readiness check (the store, the bus) passed within its time limit and the node is not
 * draining; otherwise 503 naming what failed. The answer says which check failed but not why
 * (it is public); the why goes to the log, once when a check starts failing.
 */
import type { ServerResponse } from 'node:http';
import type { Bus } from '../bus/bus.js';
import type { Logger } from '../log.js';
import type { Storage } from '../storage/storage.js';
import { sendJson } from './respond.js';

/** One thing `/readyz` checks: resolves when it is reachable, rejects (or hangs) when not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** How long one readiness check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 1000;

/** The outcome of one check in the `/readyz` body. */
export type CheckOutcome = 'ok' | 'failed' | 'timeout';

/** What `/readyz` needs. */
export interface ReadinessDeps {
  checks: readonly ReadinessCheck[];
  /** True once the node started draining (SIGTERM). */
  draining(): boolean;
  log: Logger;
  /** Per-check time limit; default `READINESS_TIMEOUT_MS`. */
  timeoutMs?: number;
}

/** The store is reachable: a cheap read by primary key that finds nothing. */
export function storageCheck(storage: Storage): ReadinessCheck {
  return { name: 'storage', check: async () => void (await storage.getSite('readyz-probe')) };
}

/**
 * The bus is reachable. A bus that can lose its connection (Redis) tells by an `isUp()` method;
 * the in-process bus has none and is always up.
 */
export function busCheck(bus: Bus & { isUp?(): boolean | Promise<boolean> }): ReadinessCheck {
  return {
    name: 'bus',
    check: async () => {
      if (bus.isUp && !(await bus.isUp())) throw new Error('the bus is not connected');
    },
  };
}

/** Runs every check at once, each within the time limit. */
export async function runChecks(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<Record<string, CheckOutcome | Error>> {
  const outcomes = await Promise.all(checks.map((c) => withTimeout(c, timeoutMs)));
  return Object.fromEntries(checks.map((c, i) => [c.name, outcomes[i]!]));
}

async function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<'ok' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout')));
  try {
    return await Promise.race([
      check.check().then(
        () => 'ok' as const,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Answers `/readyz`; logs a check's failure when it starts failing and its recovery. */
export function readinessHandler(deps: ReadinessDeps): (res: ServerResponse) => Promise<void> {
  const failing = new Set<string>();
  // Probes that arrive while the checks run share that run: `/readyz` is public, and a flood of
  // it must not become a flood of store reads.
  let running: Promise<Record<string, CheckOutcome | Error>> | null = null;
  return async (res) => {
    if (deps.draining()) return sendJson(res, 503, { ok: false, draining: true, failed: ['draining'] });
    running ??= runChecks(deps.checks, deps.timeoutMs ?? READINESS_TIMEOUT_MS).finally(() => (running = null));
    const results = await running;
    const checks: Record<string, CheckOutcome> = {};
    const failed: string[] = [];
    for (const [name, result] of Object.entries(results)) {
      checks[name] = result instanceof Error ? 'failed' : result;
      if (result === 'ok') {
        if (failing.delete(name)) deps.log.info('readiness check passes again', { check: name });
        continue;
      }
      failed.push(name);
      if (!failing.has(name)) {
        failing.add(name);
        deps.log.error('readiness check failed', { check: name, ...(result instanceof Error ? { error: result } : { timeoutMs: deps.timeoutMs ?? READINESS_TIMEOUT_MS }) });
      }
    }
    // A drain that began while the checks ran wins: the balancer must stop sending clients.
    if (deps.draining()) return sendJson(res, 503, { ok: false, draining: true, failed: ['draining'], checks });
    if (failed.length > 0) return sendJson(res, 503, { ok: false, draining: false, failed, checks });
    sendJson(res, 200, { ok: true, draining: false, checks });
  };
}
