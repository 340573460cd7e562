/**
 * The relay process killed with SIGKILL mid-stream and restarted on the same data dir loses no
 * acknowledged message and shows none twice. Runs the BUILT relay (`bin/parley.js`), as `npm test`
 * built it before any test started: rebuilding it here would swap `server/dist` under the
 * end-to-end relays starting from it at the same time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ORIGIN, TestClient, readAll, visitorToken, type RelayAddress } from './relay-harness.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

interface Child {
  process: ChildProcess;
  relay: RelayAddress;
}

/** Starts the built relay and resolves once it printed its listening line. */
function startChild(dataDir: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'server', 'bin', 'parley.js'),
      'start',
      '--port', '0',
      '--host', '127.0.0.1',
      '--data-dir', dataDir,
      '--admin-password', 'kill-test-password',
      '--log-level', 'silent',
      '--frames-per-second', '100000',
      '--frame-burst', '100000',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`relay exited early with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Parley relay listening on (http:\/\/\S+)$/.exec(line);
      if (!match) return;
      resolvePromise({ process: child, relay: { url: match[1]! } });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
}

describe('relay killed with SIGKILL', () => {
  let dataDir: string;
  let running: Child | null = null;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'server', 'dist', 'cli.js'))) {
      throw new Error('The relay is not built (server/dist/cli.js): run `npm run build` first (`npm test` does).');
    }
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
