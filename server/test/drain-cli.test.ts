/**
 * `parley start` drains on SIGTERM: sends in flight are acknowledged, then clients are told to
 * reconnect elsewhere (1012); a new connection during the drain is refused; the process exits 0,
 * and every acknowledged message, and only those, is in the store after a restart. Runs the
 * BUILT relay (`bin/parley.js`), as `kill.test.ts` does.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ORIGIN, TestClient, readAll, upgradeStatus, visitorToken, type RelayAddress } from './relay-harness.js';
import { assertBuilt, spawnRelayCli } from './relay-cli.js';


interface Child {
  process: ChildProcess;
  relay: RelayAddress;
  /** Resolves with the first JSON log line whose `msg` is the given one. */
  logged(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built relay with JSON logs on stderr; resolves once it prints its listening line. */
async function startChild(dataDir: string): Promise<Child> {
  const args = ['--port', '0', '--data-dir', dataDir, '--admin-password', 'drain-test-password', '--log-format', 'json'];
  const cli = await spawnRelayCli([...args, '--drain-timeout-ms', '30000', '--frames-per-second', '100000', '--frame-burst', '100000']);
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  createInterface({ input: cli.process.stderr! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve(line);
  });
  const logged = (msg: string): Promise<Record<string, unknown>> => {
    const seen = lines.find((l) => l.msg === msg);
    return seen ? Promise.resolve(seen) : new Promise((r) => waiters.push({ msg, resolve: r }));
  };
  return { process: cli.process, relay: { url: cli.url }, logged, exited: cli.exited };
}

describe('parley start on SIGTERM', () => {
  let dataDir: string;
  let running: Child | null = null;

  beforeAll(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'parley-drain-cli-'));
  });

  afterAll(async () => {
    if (running && running.process.exitCode === null && running.process.signalCode === null) {
      running.process.kill('SIGKILL');
      await running.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('acknowledges sends in flight, closes with 1012, refuses new connections and exits 0', async () => {
    running = await startChild(dataDir);
    const { relay } = running;
    const { token } = await visitorToken(relay);
    const sender = new TestClient(relay, token, PAGE_ORIGIN);
    await sender.hello();
    // Another visitor whose tab stops reading: it cannot answer the close, so the drain stays
    // open (up to its timeout) while the test looks at the node from outside.
    const frozen = new TestClient(relay, (await visitorToken(relay)).token, PAGE_ORIGIN);
    await frozen.hello();
    (frozen.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    sender.send({ type: 'chat.send', clientId: 'drain-cli-0000', text: 'first' });
    const { conversationId } = await sender.next('chat.ack');
    // A window of sends in flight; SIGTERM on the first ack of the window.
    const total = 200;
    const acked = new Set<string>(['drain-cli-0000']);
    let terminated = false;
    sender.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; clientId?: string };
      if (frame.type !== 'chat.ack') return;
      acked.add(frame.clientId!);
      if (!terminated) {
        terminated = true;
        running!.process.kill('SIGTERM');
      }
    });
    for (let i = 1; i <= total; i++) {
      sender.send({ type: 'chat.send', conversationId, clientId: `drain-cli-${String(i).padStart(4, '0')}`, text: `message ${i}` });
    }

    expect(await running.logged('draining')).toMatchObject({ level: 'info', node: expect.stringMatching(/^\S+-[0-9a-f]{8}$/), connections: 2 });
    expect((await sender.closed).code).toBe(1012);
    const last = sender.frames.at(-1);
    expect(last).toMatchObject({ type: 'error', code: 'draining' });
    // Nothing was acknowledged after the error: every ack came before it.
    expect(sender.frames.slice(0, -1).every((f) => f.type !== 'error')).toBe(true);

    // The frozen tab holds the drain open: the node refuses new clients and says it is draining.
    expect(await upgradeStatus(relay, token, PAGE_ORIGIN)).toBe(503);
    expect(running.process.exitCode).toBeNull();
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ draining: true });
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect(running.process.exitCode).toBeNull();

    (frozen.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await frozen.closed).code).toBe(1012);
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(await running.logged('drained')).toMatchObject({ level: 'info' });

    // After a restart: exactly what was acknowledged is stored, with gap-free seqs.
    running = await startChild(dataDir);
    const back = new TestClient(running.relay, token, PAGE_ORIGIN);
    await back.hello();
    const stored = await readAll(back, conversationId);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(new Set(stored.map((m) => m.clientId))).toEqual(acked);
    expect(acked.size).toBeGreaterThan(1);
    back.close();
    running.process.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
    console.info(`drain test: ${acked.size - 1} of ${total} sends acknowledged around SIGTERM (the others arrived after the drain began)`);
  }, 60_000);
});
