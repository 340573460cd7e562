/**
 * The relay process killed with SIGKILL mid-stream and restarted on the same data dir loses no
 * acknowledged message and shows none twice. Runs the BUILT relay (`bin/parley.js`), as `npm test`
 * built it before any test started: rebuilding it here would swap `server/dist` under the
 * end-to-end relays starting from it at the same time.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ORIGIN, TestClient, readAll, visitorToken, type RelayAddress } from './relay-harness.js';
import { assertBuilt, spawnRelayCli } from './relay-cli.js';


interface Child {
  process: ChildProcess;
  relay: RelayAddress;
}

/** Starts the built relay and resolves once it printed its listening line. */
async function startChild(dataDir: string): Promise<Child> {
  const args = ['--port', '0', '--data-dir', dataDir, '--admin-password', 'kill-test-password', '--log-level', 'silent'];
  const cli = await spawnRelayCli([...args, '--frames-per-second', '100000', '--frame-burst', '100000'], { stderr: 'inherit' });
  return { process: cli.process, relay: { url: cli.url } };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
}

describe('relay killed with SIGKILL', () => {
  let dataDir: string;
  let running: Child | null = null;

  beforeAll(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'parley-kill-'));
  });

  afterAll(async () => {
    if (running) {
      running.process.kill('SIGKILL');
      await exited(running.process);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message exactly once, with gap-free seqs', async () => {
    running = await startChild(dataDir);
    const { token } = await visitorToken(running.relay);
    const client = new TestClient(running.relay, token, PAGE_ORIGIN);
    await client.hello();

    const total = 400;
    const inFlight = 16;
    const acked = new Map<string, number>();
    const sent: string[] = [];
    let conversationId = '';
    let killed = false;
    const started = Date.now();
    client.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; clientId?: string; seq?: number; conversationId?: string };
      if (frame.type !== 'chat.ack' || killed) return;
      acked.set(frame.clientId!, frame.seq!);
      conversationId = frame.conversationId!;
      if (acked.size === total / 2) {
        // Kill while a window of messages is still in flight.
        killed = true;
        running!.process.kill('SIGKILL');
        return;
      }
      if (sent.length < total) send();
    });
    const send = (): void => {
      const clientId = `kill-msg-${String(sent.length).padStart(4, '0')}`;
      sent.push(clientId);
      client.send({ type: 'chat.send', ...(conversationId ? { conversationId } : {}), clientId, text: `message ${sent.length}` });
    };
    // The first message creates the conversation; the window opens after its ack.
    send();
    await client.next('chat.ack');
    for (let i = 0; i < inFlight - 1; i++) send();
    await exited(running.process);
    await client.closed;
    const elapsed = Date.now() - started;
    expect(killed).toBe(true);

    running = await startChild(dataDir);
    const back = new TestClient(running.relay, token, PAGE_ORIGIN);
    await back.hello();
    let stored = await readAll(back, conversationId);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const byClientId = new Map(stored.map((m) => [m.clientId, m.seq]));
    for (const [clientId, seq] of acked) expect(byClientId.get(clientId)).toBe(seq);

    // The outbox resends everything unacknowledged: each lands once, the written ones keep their seq.
    const unacked = sent.filter((id) => !acked.has(id));
    for (const clientId of unacked) back.send({ type: 'chat.send', conversationId, clientId, text: 'retry' });
    for (const clientId of unacked) await back.next('chat.ack', (f) => f.clientId === clientId);
    stored = await readAll(back, conversationId);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(new Set(stored.map((m) => m.clientId)).size).toBe(stored.length);
    expect(stored.filter((m) => m.clientId.startsWith('kill-msg-'))).toHaveLength(sent.length);
    back.close();
    // For the report: acked messages per second with `inFlight` in flight, one client.
    console.info(`kill test: ${acked.size} acked before SIGKILL in ${elapsed} ms (${inFlight} in flight), ${unacked.length} resent`);
  }, 60_000);
});
