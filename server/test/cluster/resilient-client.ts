/**
 * A test client that behaves as the widget and the console do across relay restarts: it keeps
 * an outbox of unacknowledged messages, reconnects (through the load balancer) when its
 * connection closes, resumes its conversation from the last seq it holds, and sends its outbox
 * again, also after a refusal that says "not now" (`unavailable`, say), as the widget does at its
 * next retry tick. What it was acknowledged, refused and received is kept for the test to compare.
 */
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, RETRYABLE_ERROR_CODES, type ErrorCode, type Message, type ServerFrame } from '@parley/protocol';

/** How long after a retryable refusal the outbox goes out again (the widget's tick is longer; tests are short). */
const RETRY_AFTER_MS = 200;
import type { RelayAddress } from '../relay-harness.js';

/** One side of a conversation that survives its relay node going away. */
export class ResilientClient {
  /** Sent, not yet acknowledged: client id -> text. */
  readonly outbox = new Map<string, string>();
  /** Acknowledged: client id -> seq. */
  readonly acked = new Map<string, number>();
  /** Every message received (live or replayed), by seq, and how many times each arrived live. */
  readonly received = new Map<number, Message>();
  readonly liveCopies = new Map<number, number>();
  /** Refusals of this client's messages, in order of arrival: client id and error code. */
  readonly refusals: { clientId: string; code: ErrorCode }[] = [];
  /** Connections made (1 + reconnects). */
  connections = 0;
  private ws: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private conversationId: string | null;

  constructor(
    private readonly relay: RelayAddress,
    private readonly token: string,
    private readonly origin: string,
    conversationId: string | null = null,
  ) {
    this.conversationId = conversationId;
  }

  /** Connects and says hello; resolves on the welcome. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Sends a message (kept in the outbox until acknowledged). */
  send(clientId: string, text: string): void {
    this.outbox.set(clientId, text);
    this.transmit(clientId, text);
  }

  /** The conversation this client writes in (learned from its first ack, or given). */
  get conversation(): string | null {
    return this.conversationId;
  }

  /** Resolves once nothing is left unacknowledged (bounded). */
  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outbox.size > 0) {
      if (Date.now() > deadline) throw new Error(`${this.outbox.size} messages never acknowledged: ${[...this.outbox.keys()].join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops reconnecting and closes. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close();
  }

  /** Resolves once every client id given was refused at least once (bounded). */
  async refused(clientIds: readonly string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const missing = () => clientIds.filter((id) => !this.refusals.some((r) => r.clientId === id));
    while (missing().length > 0) {
      if (Date.now() > deadline) throw new Error(`never refused: ${missing().join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private transmit(clientId: string, text: string): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    const frame = this.conversationId ? { type: 'chat.send', conversationId: this.conversationId, clientId, text } : { type: 'chat.send', clientId, text };
    this.ws.send(JSON.stringify(frame));
  }

  private lastSeq(): number {
    return Math.max(0, ...this.received.keys(), ...this.acked.values());
  }

  private connect(): Promise<void> {
    this.connections++;
    const ws = new WebSocket(`${this.relay.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(this.token)}`, { origin: this.origin });
    this.ws = ws;
    return new Promise((resolve) => {
      let welcomed = false;
      ws.on('open', () => {
        const resume = this.conversationId ? { [this.conversationId]: this.lastSeq() } : {};
        ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, resume }));
      });
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as ServerFrame;
        if (frame.type === 'welcome' && !welcomed) {
          welcomed = true;
          for (const [clientId, text] of this.outbox) this.transmit(clientId, text);
          resolve();
        }
        this.take(frame);
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        if (!welcomed) resolve();
        if (this.stopped) return;
        // As the widget does: reconnect promptly; the load balancer picks a live node.
        setTimeout(() => void this.connect(), 50 + Math.random() * 100);
      });
    });
  }

  private take(frame: ServerFrame): void {
    if (frame.type === 'error' && frame.ref !== undefined && this.outbox.has(frame.ref)) {
      this.refusals.push({ clientId: frame.ref, code: frame.code });
      // The whole outbox again, oldest first (so the order holds), once, a moment later.
      if (RETRYABLE_ERROR_CODES.has(frame.code)) this.retryTimer ??= setTimeout(() => this.resend(), RETRY_AFTER_MS);
    } else if (frame.type === 'chat.ack') {
      this.conversationId ??= frame.conversationId;
      this.acked.set(frame.clientId, frame.seq);
      this.outbox.delete(frame.clientId);
    } else if (frame.type === 'chat.message') {
      const contiguous = this.contiguous();
      this.received.set(frame.message.seq, frame.message);
      this.liveCopies.set(frame.message.seq, (this.liveCopies.get(frame.message.seq) ?? 0) + 1);
      // A seq past a hole: ask for what is missing, as the widget and the console do.
      if (frame.message.seq > contiguous + 1) this.sync(contiguous);
    } else if (frame.type === 'chat.messages') {
      for (const message of frame.messages) this.received.set(message.seq, message);
      if (!frame.complete) this.sync(this.contiguous());
    }
  }

  private resend(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    for (const [clientId, text] of this.outbox) this.transmit(clientId, text);
  }

  /** The highest seq up to which this client holds every message (its own by ack). */
  private contiguous(): number {
    const own = new Set(this.acked.values());
    let seq = 0;
    while (this.received.has(seq + 1) || own.has(seq + 1)) seq++;
    return seq;
  }

  private sync(afterSeq: number): void {
    if (this.conversationId && this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'chat.sync', conversationId: this.conversationId, afterSeq }));
    }
  }

  /** The seqs of messages by the other side (or the system) this client holds. */
  heldSeqs(): Set<number> {
    return new Set(this.received.keys());
  }
}
