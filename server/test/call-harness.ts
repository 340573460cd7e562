/**
 * Helpers for the call and callback relay tests: named agents with console tokens, visitors
 * with a conversation, and frames read in order. Built on `relay-harness.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { ServerFrame } from '@parley/protocol';
import { startAgentSession } from '../src/session-tokens.js';
import { PAGE_ORIGIN, TestClient, visitorToken, type TestRelay } from './relay-harness.js';

/** The relay secret of the call test relays (tokens are signed with it). */
export const RELAY_SECRET = 'call-test-relay-secret';

/** Opens connections and closes them all at the end of each test. */
export class Clients {
  private readonly open: TestClient[] = [];
  private n = 0;

  constructor(private readonly relay: TestRelay) {}

  /** A new agent account of the demo site named `name`, and its console token. */
  async agent(name: string): Promise<{ id: string; token: string }> {
    const id = `agent-${name.toLowerCase()}-${randomUUID().slice(0, 8)}`;
    await this.relay.storage.createAgent({ id, email: `${id}@agents.example`, name, role: 'agent', passwordHash: 'x', createdAt: 1 });
    await this.relay.storage.addAgentSites(id, [this.relay.demoSite.id]);
    return { id, token: await startAgentSession(this.relay.storage, RELAY_SECRET, id, 60 * 60 * 1000) };
  }

  /** A connection of an agent or a visitor, after its welcome. */
  async connect(token: string, role: 'agent' | 'visitor'): Promise<{ client: TestClient; welcome: Extract<ServerFrame, { type: 'welcome' }> }> {
    const client = new TestClient(this.relay, token, role === 'agent' ? this.relay.publicOrigin : PAGE_ORIGIN);
    this.open.push(client);
    const welcome = await client.hello();
    return { client, welcome };
  }

  /** A new visitor who wrote a first message: its token, id, first tab and conversation. */
  async visitor(): Promise<{ token: string; visitorId: string; tab: TestClient; conversationId: string }> {
    const { token, visitorId } = await visitorToken(this.relay);
    const { client: tab } = await this.connect(token, 'visitor');
    tab.send({ type: 'chat.send', clientId: `call-first-${++this.n}-${randomUUID().slice(0, 8)}`, text: 'hello' });
    const { conversationId } = await tab.next('chat.ack');
    return { token, visitorId, tab, conversationId };
  }

  /** Closes every connection and waits until the relay let go of them all. */
  async closeAll(): Promise<void> {
    const closing = this.open.splice(0).map((client) => {
      client.close();
      return client.closed;
    });
    await Promise.all(closing);
    // The relay forgets a connection a moment after its close: later tests count online agents.
    while (this.relay.connections() > 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Sends a ping and waits for its pong: every frame the relay sent this client before is in. */
export async function roundTrip(client: TestClient): Promise<void> {
  const t = Math.floor(Math.random() * 1e9);
  client.send({ type: 'ping', t });
  await client.next('pong', (f) => f.t === t);
}

/** The `call.state` frames a client received so far. */
export function callStates(client: TestClient): Extract<ServerFrame, { type: 'call.state' }>['call'][] {
  return client.frames.flatMap((f) => (f.type === 'call.state' ? [f.call] : []));
}

/** The system lines of a conversation, oldest first. */
export async function timeline(relay: TestRelay, conversationId: string): Promise<string[]> {
  return (await relay.storage.listMessages(conversationId, 0, 500)).filter((m) => m.author === 'system').map((m) => m.text);
}
