import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readinessHandler, runChecks, type ReadinessCheck } from './health.js';

/** Where an answer is written: status and JSON body. */
function response(): { res: ServerResponse; answer: Promise<{ status: number; body: unknown }> } {
  let done!: (a: { status: number; body: unknown }) => void;
  const answer = new Promise<{ status: number; body: unknown }>((resolve) => (done = resolve));
  let status = 0;
  const res = {
    writeHead(code: number) {
      status = code;
      return res;
    },
    end(text: string) {
      done({ status, body: JSON.parse(text) });
    },
  };
  return { res: res as unknown as ServerResponse, answer };
}

const quiet = { info: () => undefined, error: () => undefined };

describe('readinessHandler', () => {
  it('runs the checks once for probes that arrive while they run', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: ReadinessCheck = { name: 'storage', check: () => (runs++, gate) };
    const handle = readinessHandler({ checks: [slow], draining: () => false, log: quiet });
    const probes = Array.from({ length: 20 }, () => response());
    for (const p of probes) void handle(p.res);
    release();
    const answers = await Promise.all(probes.map((p) => p.answer));
    expect(runs).toBe(1);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // The next probe runs them again.
    const next = response();
    void handle(next.res);
    expect((await next.answer).status).toBe(200);
    expect(runs).toBe(2);
  });

  it('answers draining without running the checks', async () => {
    let runs = 0;
    const handle = readinessHandler({ checks: [{ name: 'bus', check: async () => void runs++ }], draining: () => true, log: quiet });
    const probe = response();
    void handle(probe.res);
    expect(await probe.answer).toEqual({ status: 503, body: { ok: false, draining: true, failed: ['draining'] } });
    expect(runs).toBe(0);
  });
});

describe('runChecks', () => {
  it('reports each check as ok, its error, or a timeout', async () => {
    const results = await runChecks(
      [
        { name: 'a', check: async () => undefined },
        { name: 'b', check: async () => Promise.reject(new Error('down')) },
        { name: 'c', check: () => new Promise<void>(() => undefined) },
      ],
      50,
    );
    expect(results.a).toBe('ok');
    expect(results.b).toBeInstanceOf(Error);
    expect(results.c).toBe('timeout');
  });
});
