import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CobrowseEventsFrame } from '@parley/protocol';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

const REQUEST_MS = 1500;
const RESUME_MS = 400;
const CHECKPOINT_BYTES = 4096;

describe('co-browse relay', () => {
  let relay: TestRelay;
  let agentTokenValue: string;
  let n = 0;
  beforeAll(async () => {
    relay = await startTestRelay({
      limits: { cobrowseRequestMs: REQUEST_MS, cobrowseResumeMs: RESUME_MS, cobrowseCheckpointBytes: CHECKPOINT_BYTES },
    });
    agentTokenValue = await adminToken(relay);
  });
  afterAll(() => relay.stop());

  const clients: TestClient[] = [];
  async function connect(token: string, origin: string, hello: Record<string, unknown> = {}): Promise<TestClient> {
    return (await connectWithWelcome(token, origin, hello)).client;
  }
  async function connectWithWelcome(token: string, origin: string, hello: Record<string, unknown> = {}) {
    const client = new TestClient(relay, token, origin);
    clients.push(client);
    const welcome = await client.hello(hello);
    return { client, welcome, cobrowse: welcome.cobrowse ?? [] };
  }
  afterAll(() => {
    for (const client of clients) client.close();
  });

  /** A visitor with a conversation, and an agent who opened it. */
  async function conversation() {
    const { token } = await visitorToken(relay);
    const visitor = await connect(token, PAGE_ORIGIN);
    visitor.send({ type: 'chat.send', clientId: `cobrowse-msg-${++n}`, text: 'can you look at this page?' });
    const { conversationId } = await visitor.next('chat.ack');
    const agent = await connect(agentTokenValue, relay.publicOrigin);
    agent.send({ type: 'conversation.open', conversationId });
    const detail = await agent.next('conversation.detail');
    return { token, visitor, agent, conversationId, detail };
  }

  /** The agent asks, the visitor agrees from `visitor` with tab id `tab`. */
  async function share(agent: TestClient, visitor: TestClient, conversationId: string, tab = `tab-${++n}-abcdefgh`) {
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab });
    await visitor.next('cobrowse.state', (f) => f.status.view === 'active');
    await agent.next('cobrowse.state', (f) => f.status.view === 'active');
    return tab;
  }

  function events(conversationId: string, seq: number, extra: Partial<CobrowseEventsFrame> = {}): CobrowseEventsFrame {
    return { type: 'cobrowse.events', conversationId, stream: 'stream-0001', seq, data: `[{"type":3,"seq":${seq}}]`, ...extra };
  }

  function nextSeq(client: TestClient): Promise<number> {
    return client.next('cobrowse.events').then((f) => f.seq);
  }

  it('asks, gets consent, and forwards page data exactly to a joined agent', async () => {
    const { visitor, agent, conversationId, detail } = await conversation();
    expect(detail.cobrowse).toEqual({ conversationId, view: 'off', control: 'off', requestId: null, agentName: null, since: null, live: false });

    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state');
    expect(asked.status).toMatchObject({ conversationId, view: 'requested', control: 'off', agentName: 'Admin', source: false });
    expect(asked.status.requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect((await agent.next('cobrowse.state')).status).toMatchObject({ view: 'requested', live: false });
    await visitor.next('chat.message', (f) => f.message.text === "Admin asked to see the visitor's page");

    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab: 'tab-first-0001' });
    const active = await visitor.next('cobrowse.state');
    expect(active.status).toMatchObject({ view: 'active', requestId: null, source: true, since: expect.any(Number) });
    expect((await agent.next('cobrowse.state')).status).toMatchObject({ view: 'active', live: true });
    await agent.next('chat.message', (f) => f.message.text === 'The visitor started sharing their page' && f.message.author === 'system');

    agent.send({ type: 'cobrowse.join', conversationId });
    expect((await agent.next('cobrowse.state')).status).toMatchObject({ view: 'active', live: true });
    expect(await visitor.next('cobrowse.snapshot')).toEqual({ type: 'cobrowse.snapshot', conversationId });

    const full = events(conversationId, 0, { full: true, part: 0, parts: 1 });
    visitor.send(full);
    visitor.send(events(conversationId, 1));
    expect(await agent.next('cobrowse.events')).toEqual(full);
    expect(await agent.next('cobrowse.events')).toEqual(events(conversationId, 1));

    agent.send({ type: 'conversation.open', conversationId });
    expect((await agent.next('conversation.detail')).cobrowse).toMatchObject({ view: 'active', live: true, agentName: 'Admin' });
  });

  it('refuses page data, pointer and join before consent and forwards none of it', async () => {
    const { visitor, agent, conversationId } = await conversation();
    visitor.send(events(conversationId, 0, { full: true }));
    expect(await visitor.next('error')).toMatchObject({ code: 'cobrowse_no_consent', ref: 'cobrowse.events' });
    agent.send({ type: 'cobrowse.pointer', conversationId, kind: 'pointer', node: 5, x: 0.5, y: 0.5 });
    expect(await agent.next('error')).toMatchObject({ code: 'cobrowse_no_consent', ref: 'cobrowse.pointer' });
    agent.send({ type: 'cobrowse.join', conversationId });
    expect(await agent.next('error')).toMatchObject({ code: 'cobrowse_no_consent', ref: 'cobrowse.join' });

    // Still only requested: page data stays refused.
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    visitor.send(events(conversationId, 0, { full: true, data: '["forged"]' }));
    expect((await visitor.next('error')).code).toBe('cobrowse_no_consent');
    expect(visitor.frames.some((f) => f.type === 'cobrowse.pointer')).toBe(false);

    // Once sharing, the agent joined: the first page data it gets is the first the source sent after consent.
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab: 'tab-forged-001' });
    await agent.next('cobrowse.state', (f) => f.status.view === 'active');
    agent.send({ type: 'cobrowse.join', conversationId });
    await agent.next('cobrowse.state', (f) => f.status.view === 'active');
    visitor.send(events(conversationId, 0, { full: true, data: '["real"]' }));
    expect((await agent.next('cobrowse.events')).data).toBe('["real"]');
    expect(agent.frames.filter((f) => f.type === 'cobrowse.events')).toHaveLength(1);
  });

  it('refuses a consent that names no pending request, and a visitor reaching for another conversation', async () => {
    const { visitor, agent, conversationId } = await conversation();
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: 'req-nothing-1', granted: true, tab: 'tab-abcdefgh' });
    expect(await visitor.next('error')).toMatchObject({ code: 'cobrowse_no_consent', message: expect.stringContaining('No co-browse request') });
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: 'req-stale-0001', granted: true, tab: 'tab-abcdefgh' });
    expect(await visitor.next('error')).toMatchObject({ code: 'cobrowse_no_consent', message: expect.stringContaining('no longer pending') });

    const { token } = await visitorToken(relay);
    const intruder = await connect(token, PAGE_ORIGIN);
    const pending = await relay.storage.getConversation(conversationId);
    expect(pending?.visitorId).not.toBe(undefined);
    intruder.send({ type: 'cobrowse.consent', conversationId, requestId: 'req-guess-0001', granted: true, tab: 'tab-abcdefgh' });
    expect((await intruder.next('error')).code).toBe('forbidden');
    intruder.send(events(conversationId, 0, { full: true }));
    expect((await intruder.next('error')).code).toBe('forbidden');
    expect(intruder.frames.some((f) => f.type === 'cobrowse.state')).toBe(false);
  });

  it('gives a late joiner the checkpoint at once and asks the source for a fresh snapshot', async () => {
    const { visitor, agent, conversationId } = await conversation();
    await share(agent, visitor, conversationId);
    visitor.send(events(conversationId, 0, { full: true, part: 0, parts: 2, data: '[{"type":2,' }));
    visitor.send(events(conversationId, 1, { full: true, part: 1, parts: 2, data: '"x":1}]' }));
    visitor.send(events(conversationId, 2));
    // Round trip, so the three are handled before the agent joins.
    visitor.send({ type: 'ping', t: 1 });
    await visitor.next('pong');

    agent.send({ type: 'cobrowse.join', conversationId });
    await agent.next('cobrowse.state', (f) => f.status.view === 'active');
    expect([await nextSeq(agent), await nextSeq(agent), await nextSeq(agent)]).toEqual([0, 1, 2]);
    await visitor.next('cobrowse.snapshot');

    // The snapshot the source sends starts a new checkpoint: a new joiner gets it alone.
    visitor.send(events(conversationId, 3, { full: true, data: '[{"type":2,"fresh":true}]' }));
    expect(await nextSeq(agent)).toBe(3);
    const second = await connect(agentTokenValue, relay.publicOrigin);
    second.send({ type: 'cobrowse.join', conversationId });
    await second.next('cobrowse.state');
    expect(await second.next('cobrowse.events')).toMatchObject({ seq: 3, full: true });
    visitor.send(events(conversationId, 4));
    expect(await nextSeq(second)).toBe(4);
    expect(second.frames.filter((f) => f.type === 'cobrowse.events')).toHaveLength(2);
  });

  it('drops a checkpoint over the cap and asks for a snapshot', async () => {
    const { visitor, agent, conversationId } = await conversation();
    await share(agent, visitor, conversationId);
    visitor.send(events(conversationId, 0, { full: true, data: `["${'x'.repeat(CHECKPOINT_BYTES)}"]` }));
    await visitor.next('cobrowse.snapshot');
    agent.send({ type: 'cobrowse.join', conversationId });
    await agent.next('cobrowse.state');
    visitor.send(events(conversationId, 1));
    visitor.send(events(conversationId, 0, { stream: 'stream-0002', full: true }));
    // Nothing to build on until the fresh snapshot: that is the first page data the joiner gets.
    expect(await agent.next('cobrowse.events')).toMatchObject({ stream: 'stream-0002', seq: 0, full: true });
    expect(agent.frames.filter((f) => f.type === 'cobrowse.events')).toHaveLength(1);
  });

  it('sends pointer to the source only, and control only after the separate control consent', async () => {
    const { token, visitor, agent, conversationId } = await conversation();
    await share(agent, visitor, conversationId);
    const { client: otherTab, cobrowse: otherState } = await connectWithWelcome(token, PAGE_ORIGIN);
    expect(otherState).toMatchObject([{ view: 'active', source: false }]);

    agent.send({ type: 'cobrowse.pointer', conversationId, kind: 'highlight', node: 12, x: 0.25, y: 0.75 });
    expect(await visitor.next('cobrowse.pointer')).toEqual({ type: 'cobrowse.pointer', conversationId, kind: 'highlight', node: 12, x: 0.25, y: 0.75, agentName: 'Admin' });

    const click = { type: 'cobrowse.control', conversationId, action: 'click', node: 12 } as const;
    agent.send(click);
    expect(await agent.next('error')).toMatchObject({ code: 'cobrowse_no_control', ref: 'cobrowse.control' });

    agent.send({ type: 'cobrowse.request', conversationId, scope: 'control' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.control === 'requested');
    await visitor.next('chat.message', (f) => f.message.text === 'Admin asked for remote control');
    agent.send(click);
    expect((await agent.next('error')).code).toBe('cobrowse_no_control');
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab: 'tab-ignored-01' });
    await agent.next('cobrowse.state', (f) => f.status.control === 'active');
    await agent.next('chat.message', (f) => f.message.text === 'The visitor allowed remote control');

    agent.send(click);
    expect(await visitor.next('cobrowse.control')).toEqual(click);
    agent.send({ type: 'ping', t: 2 });
    await agent.next('pong');
    expect(otherTab.frames.some((f) => f.type === 'cobrowse.control' || f.type === 'cobrowse.pointer')).toBe(false);
    expect(visitor.frames.filter((f) => f.type === 'cobrowse.control')).toHaveLength(1);

    // The events of a tab that is not the source are refused.
    otherTab.send(events(conversationId, 0, { full: true }));
    expect(await otherTab.next('error')).toMatchObject({ code: 'cobrowse_no_consent', message: expect.stringContaining('Another tab') });

    visitor.send({ type: 'cobrowse.end', conversationId, scope: 'control' });
    await agent.next('cobrowse.state', (f) => f.status.view === 'active' && f.status.control === 'off');
    await agent.next('chat.message', (f) => f.message.text === 'The visitor took back control');
    agent.send(click);
    expect((await agent.next('error')).code).toBe('cobrowse_no_control');
  });

  it('records a declined request, a cancelled one, and each side stopping', async () => {
    const { visitor, agent, conversationId } = await conversation();
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: false, tab: 'tab-declined-1' });
    expect((await agent.next('cobrowse.state', (f) => f.status.view === 'off')).status.live).toBe(false);

    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    agent.send({ type: 'cobrowse.end', conversationId, scope: 'view' });
    await visitor.next('cobrowse.state', (f) => f.status.view === 'off');

    await share(agent, visitor, conversationId);
    visitor.send({ type: 'cobrowse.end', conversationId, scope: 'view' });
    await agent.next('cobrowse.state', (f) => f.status.view === 'off');
    visitor.send(events(conversationId, 0, { full: true }));
    expect((await visitor.next('error')).code).toBe('cobrowse_no_consent');

    await share(agent, visitor, conversationId);
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'control' });
    await visitor.next('cobrowse.state', (f) => f.status.control === 'requested');
    agent.send({ type: 'cobrowse.end', conversationId, scope: 'view' });
    const off = await visitor.next('cobrowse.state', (f) => f.status.view === 'off');
    expect(off.status).toMatchObject({ control: 'off', requestId: null, source: false });
    await visitor.next('chat.message', (f) => f.message.text === 'Admin stopped co-browsing');

    const texts = (await relay.storage.listMessages(conversationId, 0, 50)).filter((m) => m.author === 'system').map((m) => m.text);
    expect(texts).toEqual([
      "Admin asked to see the visitor's page",
      'The visitor declined to share their page',
      "Admin asked to see the visitor's page",
      'Admin cancelled the co-browse request',
      "Admin asked to see the visitor's page",
      'The visitor started sharing their page',
      'The visitor stopped sharing their page',
      "Admin asked to see the visitor's page",
      'The visitor started sharing their page',
      'Admin asked for remote control',
      'Admin stopped co-browsing',
    ]);
  });

  it('lets a request expire', async () => {
    const { visitor, agent, conversationId } = await conversation();
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    await visitor.next('chat.message', (f) => f.message.text === 'The co-browse request expired', REQUEST_MS + 3000);
    expect((await visitor.next('cobrowse.state', (f) => f.status.view === 'off')).status.requestId).toBeNull();
    visitor.send({ type: 'cobrowse.consent', conversationId, requestId: asked.status.requestId!, granted: true, tab: 'tab-too-late-1' });
    expect((await visitor.next('error')).code).toBe('cobrowse_no_consent');
  });

  it('keeps a pending prompt across a reload', async () => {
    const { token, visitor, agent, conversationId } = await conversation();
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    const asked = await visitor.next('cobrowse.state', (f) => f.status.view === 'requested');
    visitor.close();
    const reloaded = await connectWithWelcome(token, PAGE_ORIGIN);
    expect(reloaded.cobrowse).toMatchObject([{ conversationId, view: 'requested', requestId: asked.status.requestId }]);
  });

  it('resumes sharing in the same tab after a page load, and ends when it does not come back', async () => {
    const { token, visitor, agent, conversationId } = await conversation();
    const tab = await share(agent, visitor, conversationId);
    agent.send({ type: 'cobrowse.join', conversationId });
    await agent.next('cobrowse.state', (f) => f.status.live === true);

    visitor.close();
    await agent.next('cobrowse.state', (f) => f.status.view === 'active' && f.status.live === false);
    const { client: otherTab, cobrowse: otherState } = await connectWithWelcome(token, PAGE_ORIGIN);
    expect(otherState).toMatchObject([{ view: 'active', source: false }]);
    const { client: loaded, cobrowse: loadedState } = await connectWithWelcome(token, PAGE_ORIGIN, { tab });
    expect(loadedState).toMatchObject([{ view: 'active', source: true }]);
    await agent.next('cobrowse.state', (f) => f.status.live === true);
    loaded.send(events(conversationId, 0, { stream: 'stream-after-load', full: true }));
    expect(await agent.next('cobrowse.events')).toMatchObject({ stream: 'stream-after-load' });

    // The same tab id again (a duplicated tab) takes over; the old source is told it no longer is.
    const { client: duplicate, cobrowse: duplicateState } = await connectWithWelcome(token, PAGE_ORIGIN, { tab });
    expect(duplicateState[0]?.source).toBe(true);
    expect((await loaded.next('cobrowse.state')).status.source).toBe(false);

    duplicate.close();
    await agent.next('cobrowse.state', (f) => f.status.live === false);
    await agent.next('chat.message', (f) => f.message.text === 'Screen sharing ended: the visitor left', RESUME_MS + 3000);
    expect((await otherTab.next('cobrowse.state', (f) => f.status.view === 'off')).status.source).toBe(false);

    // Stored: a visitor coming back replays the whole co-browse timeline.
    const replay = await connect(token, PAGE_ORIGIN, { resume: { [conversationId]: 0 } });
    const texts = (await replay.next('chat.messages')).messages.map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['The visitor started sharing their page', 'Screen sharing ended: the visitor left']));
  });

  it('ends co-browse when the conversation is resolved, and refuses a request on a resolved one', async () => {
    const { visitor, agent, conversationId } = await conversation();
    await share(agent, visitor, conversationId);
    agent.send({ type: 'conversation.resolve', conversationId });
    expect((await visitor.next('cobrowse.state', (f) => f.status.view === 'off')).status.source).toBe(false);
    await visitor.next('chat.message', (f) => f.message.text === 'Admin stopped co-browsing');
    await visitor.next('chat.message', (f) => f.message.text === 'Admin resolved the conversation');
    agent.send({ type: 'cobrowse.request', conversationId, scope: 'view' });
    expect((await agent.next('error')).code).toBe('forbidden');
  });

  it('stops sending to an agent who leaves or disconnects', async () => {
    const { visitor, agent, conversationId } = await conversation();
    await share(agent, visitor, conversationId);
    agent.send({ type: 'cobrowse.join', conversationId });
    await agent.next('cobrowse.state');
    agent.send({ type: 'cobrowse.leave', conversationId });
    agent.send({ type: 'ping', t: 3 });
    await agent.next('pong');
    visitor.send(events(conversationId, 0, { full: true }));
    visitor.send({ type: 'ping', t: 4 });
    await visitor.next('pong');
    agent.send({ type: 'ping', t: 5 });
    await agent.next('pong');
    expect(agent.frames.some((f) => f.type === 'cobrowse.events')).toBe(false);
  });

  it('counts page data against the co-browse budget, not the chat one', async () => {
    const { visitor, conversationId } = await conversation();
    // More than the chat burst (60): refused for lack of consent, but never rate limited.
    for (let i = 0; i < 100; i++) visitor.send(events(conversationId, i));
    visitor.send({ type: 'chat.send', clientId: 'after-page-data-1', conversationId, text: 'still here' });
    expect((await visitor.next('chat.ack')).clientId).toBe('after-page-data-1');
    expect(visitor.frames.some((f) => f.type === 'error' && f.code === 'rate_limited')).toBe(false);
    // Refused page data in flight is no misbehaviour: the connection stays open.
    expect(visitor.ws.readyState).toBe(visitor.ws.OPEN);
  });

  it('serves the viewer page framed by the console only, with no script but its own', async () => {
    const res = await fetch(`${relay.url}/console/viewer.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline' http: https:; img-src * data: blob:; " +
        "font-src * data:; media-src * data: blob:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
    );
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Co-browse viewer</title>');
    expect(html).toContain('<script type="module" src="/console/viewer.js"></script>');
    const consolePage = await fetch(`${relay.url}/console/`);
    expect(consolePage.headers.get('content-security-policy')).toContain("frame-src 'self'");
    expect(consolePage.headers.get('x-frame-options')).toBe('DENY');
  });
});
