/**
 * An in-memory stand-in for the browser WebSocket for app tests: the test plays the relay.
 */
import type { AgentFrame, ServerFrame } from '@parley/protocol';
import type { WebSocketLike } from '../socket.js';
import { ME } from './fixtures.js';

/** A socket the test opens, feeds and reads. */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  sent: AgentFrame[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as AgentFrame);
  }
  close(): void {
    this.readyState = 3;
  }
  accept(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(frame: ServerFrame): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
}

/** An unsigned agent token for ME expiring at `expMs` (the fake relay does not check it). */
export function agentToken(expMs: number): string {
  const json = JSON.stringify({ k: 'a', sub: ME.id, iat: 0, exp: expMs });
  return `${btoa(json).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;
}
