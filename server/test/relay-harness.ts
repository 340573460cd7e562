/**
 * Test harness: a real relay on port 0 with a temporary data dir and real SQLite, and `ws`
 * clients that queue what they receive so tests await frames instead of sleeping.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, type ClientFrame, type Message, type ServerFrame } from '@parley/protocol';
import { startRelay, type Relay, type RelayOptionsInput, type StartRelayExtras } from '../src/index.js';

/** The origin tests use for the demo site (allowed by `http://localhost:*`). */
export const PAGE_ORIGIN = 'http://localhost:5173';
/** The admin's password in every test relay. */
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** What the helpers below need of a relay: its URL (an in-process relay or a child process). */
export type RelayAddress = Pick<Relay, 'url'>;

/** A relay plus its temporary directory. */
export interface TestRelay extends Relay {
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts a relay on 127.0.0.1, port 0, in a fresh temporary data dir. */
export async function startTestRelay(options: RelayOptionsInput & StartRelayExtras = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'parley-test-')));
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    adminPassword: ADMIN_PASSWORD,
    demoSiteSecret: 'demo-site-secret',
    ...options,
  });
  return Object.assign(relay, {
    dataDir,
    stop: async () => {
      await relay.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/** POSTs JSON to the relay. */
export async function postJson(
  relay: RelayAddress,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A new visitor token of the demo site (as the widget gets it). */
export async function visitorToken(relay: RelayAddress, extra: Record<string, unknown> = {}): Promise<{ token: string; visitorId: string }> {
  const res = await postJson(relay, '/api/visitors', { siteKey: 'demo', ...extra }, { Origin: PAGE_ORIGIN });
  if (res.status !== 200) throw new Error(`visitor token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { token: string; visitorId: string };
}

/** The admin's console token. */
export async function adminToken(relay: RelayAddress): Promise<string> {
  const res = await postJson(relay, '/api/login', { email: 'admin@localhost', password: ADMIN_PASSWORD });
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  return res.body.token as string;
}

/** A `ws` client that records frames and its close. */
export class TestClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  private readonly consumed = new Set<number>();

  constructor(relay: RelayAddress, token: string | null, origin: string, options: { autoPong?: boolean } = {}) {
    const url = `${relay.url.replace('http', 'ws')}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
    this.ws = new WebSocket(url, { origin, autoPong: options.autoPong ?? true });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        this.consumed.add(this.frames.length - 1);
        waiter.resolve(frame);
      }
    });
  }

  /** Sends a frame (or raw text). */
  send(frame: ClientFrame | Record<string, unknown> | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame not yet returned that matches the type and predicate (waiting for it if needed). */
  next<T extends ServerFrame['type']>(
    type: T,
    predicate: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const match = (f: ServerFrame): boolean => f.type === type && predicate(f as Extract<ServerFrame, { type: T }>);
    const index = this.frames.findIndex((f, i) => !this.consumed.has(i) && match(f));
    if (index >= 0) {
      this.consumed.add(index);
      return Promise.resolve(this.frames[index] as Extract<ServerFrame, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as Extract<ServerFrame, { type: T }>);
        },
      });
    });
  }

  /** Opens and sends `hello`; resolves with the welcome. */
  async hello(extra: Record<string, unknown> = {}): Promise<Extract<ServerFrame, { type: 'welcome' }>> {
    await this.opened;
    this.send({ type: 'hello', v: PROTOCOL_VERSION, ...extra });
    return this.next('welcome');
  }

  close(): void {
    this.ws.close();
  }
}

/** The HTTP status of a refused upgrade (rejects when the upgrade succeeds). */
export function upgradeStatus(relay: RelayAddress, token: string | null, origin: string | undefined, path = '/ws'): Promise<number> {
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(`${relay.url.replace('http', 'ws')}${path}${query}`, origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', () => undefined);
  });
}

/** Every message of a conversation, read page by page with `chat.sync`. */
export async function readAll(client: TestClient, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    client.send({ type: 'chat.sync', conversationId, afterSeq: all.at(-1)?.seq ?? 0 });
    const batch = await client.next('chat.messages', (f) => f.conversationId === conversationId);
    all.push(...batch.messages);
    if (batch.complete) return all;
  }
}
