/**
 * Page data refused because no sharing runs: a few frames still in flight when sharing stopped
 * are forgiven (`lateCobrowseFrames` in a row), a tab that keeps streaming is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

const LATE = 4;
const MAX_ERRORS = 3;

describe('co-browse page data without a sharing', () => {
  let relay: TestRelay;
  let n = 0;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    relay = await startTestRelay({ lateCobrowseFrames: LATE, limits: { maxErrors: MAX_ERRORS } });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await relay.stop();
  });

  async function connect(token: string, origin: string): Promise<TestClient> {
    const client = new TestClient(relay, token, origin);
    clients.push(client);
    await client.hello();
    return client;
  }

  /** A visitor tab with a conversation, and the admin's console. */
  async function scene(): Promise<{ visitor: TestClient; agent: TestClient; conversationId: string }> {
    const visitor = await connect((await visitorToken(relay)).token, PAGE_ORIGIN);
    visitor.send({ type: 'chat.send', clientId: `late-msg-${++n}-abcdef`, text: 'look at this' });
    const { conversationId } = await visitor.next('chat.ack');
    const agent = await connect(await adminToken(relay), relay.publicOrigin);
    return { visitor, agent, conversationId };
  }

  function events(conversationId: string, seq: number): CobrowseEventsFrame {
    return { type: 'cobrowse.events', conversationId, stream: 'stream-0001', seq, data: `[{"type":3,"seq":${seq}}]` };
  }

  /** Sends one refused frame and waits for its answer. */
  async function refusedOnce(visitor: TestClient, conversationId: string, seq: number): Promise<void> {
    visitor.send(events(conversationId, seq));
    expect(await visitor.next('error')).toMatchObject({ code: 'cobrowse_no_consent', ref: 'cobrowse.events' });
  }

  it('forgives the allowance of late frames, then counts each towards the error limit and closes with 4008', async () => {
    const { visitor, conversationId } = await scene();
    for (let seq = 0; seq < LATE + MAX_ERRORS - 1; seq++) await refusedOnce(visitor, conversationId, seq);
    expect(visitor.ws.readyState).toBe(visitor.ws.OPEN);
    visitor.send(events(conversationId, LATE + MAX_ERRORS));
    expect((await visitor.closed).code).toBe(4008);
  });

  it('starts the allowance over once page data is accepted again, so every stopped sharing may leave some', async () => {
    const { visitor, agent, conversationId } = await scene();
    for (let round = 0; round < 3; round++) {
      agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
      const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
      visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab: `tab-late-${round}-abcdefgh` });
      await visitor.next('cobrowse.state', (f) => f.status.view === 'active');
      visitor.send({ ...events(conversationId, 0), full: true });
      visitor.send({ type: 'cobrowse.end', conversationId, scope: 'view' });
      await visitor.next('cobrowse.state', (f) => f.status.view !== 'active');
      // More late frames over the rounds (12) than allowance and error limit together (7).
      for (let seq = 1; seq <= LATE; seq++) await refusedOnce(visitor, conversationId, seq);
    }
    visitor.send({ type: 'ping', t: 7 });
    expect(await visitor.next('pong')).toEqual({ type: 'pong', t: 7 });
  });
});
