/**
 * The co-browse wire as the tests see it: every WebSocket frame a page sends and receives
 * (captured through Playwright, so nothing the widget or console does is bypassed), rrweb
 * batches put back together from their parts, and raw relay clients that forge frames the way a
 * hostile or buggy client would.
 */
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type CobrowseEventsFrame, type ErrorCode } from '@parley/protocol';
import { DEMO_SITE_KEY } from './host-page.js';
import { postJson } from './http-client.js';
import type { RelayProcess } from './relay-process.js';

/** Frames of one page's WebSockets, as text, in order. */
export interface FrameLog {
  sent: string[];
  received: string[];
}

function payloadText(payload: string | Buffer): string {
  return typeof payload === 'string' ? payload : payload.toString('utf8');
}

/** Starts recording every WebSocket frame `page` sends and receives; call before it loads. */
export function captureFrames(page: Page): FrameLog {
  const log: FrameLog = { sent: [], received: [] };
  page.on('websocket', (socket) => {
    socket.on('framesent', (event) => log.sent.push(payloadText(event.payload)));
    socket.on('framereceived', (event) => log.received.push(payloadText(event.payload)));
  });
  return log;
}

/** Parsed frames of the given `type` among `texts`. */
export function framesOfType<T extends { type: string }>(texts: readonly string[], type: T['type']): T[] {
  const out: T[] = [];
  for (const text of texts) {
    try {
      const frame = JSON.parse(text) as { type?: unknown };
      if (frame.type === type) out.push(frame as T);
    } catch {
      // Not JSON: not a relay frame.
    }
  }
  return out;
}

/** One rrweb event, as much of it as the tests read. */
export interface RecordedEvent {
  type: number;
  timestamp: number;
  data?: { source?: number; text?: string; id?: number; [key: string]: unknown };
}

/** rrweb's event and incremental-source numbers the tests look for. */
export const RRWEB = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, InputSource: 5 } as const;

/** The rrweb events of the `cobrowse.events` frames among `texts`, parts joined, in order. */
export function recordedEvents(texts: readonly string[]): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const pending = new Map<string, string[]>();
  for (const frame of framesOfType<CobrowseEventsFrame>(texts, 'cobrowse.events')) {
    const parts = frame.parts ?? 1;
    if (parts <= 1) {
      events.push(...(JSON.parse(frame.data) as RecordedEvent[]));
      continue;
    }
    const slices = frame.part === 0 ? [] : (pending.get(frame.stream) ?? []);
    slices.push(frame.data);
    if (slices.length === parts) {
      pending.delete(frame.stream);
      events.push(...(JSON.parse(slices.join('')) as RecordedEvent[]));
    } else pending.set(frame.stream, slices);
  }
  return events;
}

/** A frame the relay sent a raw client, parsed. */
export type RelayFrame = { type: string; code?: ErrorCode; [key: string]: unknown };

/** A raw relay connection that sends whatever a test gives it. */
export interface RawClient {
  readonly frames: RelayFrame[];
  send(frame: object): void;
  /** Resolves with the first frame (already received or arriving) that `match` accepts. */
  waitFor(match: (frame: RelayFrame) => boolean, timeoutMs?: number): Promise<RelayFrame>;
  close(): void;
}

async function openRaw(url: string, origin: string): Promise<RawClient> {
  const ws = new WebSocket(url, { origin });
  const frames: RelayFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as RelayFrame);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client: RawClient = {
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = frames.find(match);
          if (!found) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`No matching frame within ${timeoutMs} ms; got ${frames.map((f) => f.type).join(', ')}`));
        }, timeoutMs);
        waiters.add(wake);
        check();
      });
    },
    close: () => ws.close(),
  };
  client.send({ type: 'hello', v: PROTOCOL_VERSION });
  await client.waitFor((frame) => frame.type === 'welcome');
  return client;
}

/** A second connection of the visitor on `page` (its stored token), from the host page's origin. */
export async function rawVisitor(relay: RelayProcess, page: Page): Promise<RawClient> {
  const token = await page.evaluate((key) => localStorage.getItem(key), `parley:${DEMO_SITE_KEY}:token`);
  if (!token) throw new Error('The visitor has no stored token yet.');
  return openRaw(`${relay.wsUrl}?token=${encodeURIComponent(token)}`, new URL(page.url()).origin);
}

/** An agent connection of the relay's admin, from the console's origin. */
export async function rawAgent(relay: RelayProcess): Promise<RawClient> {
  const response = await postJson(`${relay.origin}/api/login`, { email: relay.adminEmail, password: relay.adminPassword });
  const body = response.body as { token?: string };
  if (!body?.token) throw new Error(`Login failed: ${response.status}`);
  return openRaw(`${relay.wsUrl}?token=${encodeURIComponent(body.token)}`, relay.publicOrigin);
}

/** An `error` frame with `code`. */
export function isError(code: ErrorCode): (frame: RelayFrame) => boolean {
  return (frame) => frame.type === 'error' && frame.code === code;
}

/** The id of the newest conversation in the client's `welcome` frame. */
export function welcomeConversationId(client: RawClient): string {
  const welcome = client.frames.find((frame) => frame.type === 'welcome') as { conversations?: { id: string }[] } | undefined;
  const id = welcome?.conversations?.[0]?.id;
  if (!id) throw new Error('The welcome frame lists no conversation.');
  return id;
}

/** A `cobrowse.events` batch with one rrweb-like event carrying `marker`, for forging. */
export function forgedEvents(conversationId: string, marker: string, seq = 0): CobrowseEventsFrame {
  return {
    type: 'cobrowse.events',
    conversationId,
    stream: `forged-${marker}`,
    seq,
    full: seq === 0,
    data: JSON.stringify([{ type: RRWEB.Meta, timestamp: Date.now(), data: { href: `https://evil.example/${marker}`, width: 800, height: 600 } }]),
  } satisfies CobrowseEventsFrame;
}
