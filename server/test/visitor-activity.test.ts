/**
 * Page-view and event amplification at the real relay: one visitor floods `visitor.page` and
 * `visitor.track` from many connections. Agents must get a bounded number of frames (one per
 * visitor per window), the store must keep a bounded history, the visitor's current page and
 * the newest events must still come out right, and another visitor must not notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

const CONNECTIONS = 20;
const FLOOD_MS = 3000;
/**
 * Each tab sends a page view and an event per tick: 16 frames a second, under the
 * per-connection limit (20/s), as in the measurement that found the amplification.
 */
const TICK_MS = 125;
const WINDOW_MS = 500;
const KEEP = 25;
const VISITOR_PER_MINUTE = 60;

type VisitorUpdated = Extract<ServerFrame, { type: 'visitor.updated' }>;

describe('a visitor flooding page views and events', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      visitorUpdateWindowMs: WINDOW_MS,
      visitorActivityPerMinute: VISITOR_PER_MINUTE,
      maxPageViewsPerVisitor: KEEP,
      maxEventsPerVisitor: KEEP,
    });
  });
  afterAll(() => relay.stop());

  it('reaches agents coalesced, keeps a capped history, ends on the right page and leaves others alone', async () => {
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    // Everything the agent's socket receives from here on, as it crosses the wire.
    let agentFrames = 0;
    let agentBytes = 0;
    agent.ws.on('message', (data: Buffer) => {
      agentFrames++;
      agentBytes += data.length;
    });

    const flooder = await visitorToken(relay);
    const tabs = Array.from({ length: CONNECTIONS }, () => new TestClient(relay, flooder.token, PAGE_ORIGIN));
    const started = Date.now();
    await Promise.all(tabs.map((tab, i) => tab.hello({ page: { url: `https://shop.example/tab-${i}`, title: `Tab ${i}` } })));

    const bystander = await visitorToken(relay);
    const other = new TestClient(relay, bystander.token, PAGE_ORIGIN);
    await other.hello();

    // Page views and events are numbered so the newest can be told apart.
    let n = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (const tab of tabs) {
          n++;
          tab.send({ type: 'visitor.page', url: `https://shop.example/p/${n}`, title: `Page ${n}` });
          tab.send({ type: 'visitor.track', event: 'flood', props: { n } });
        }
        if (Date.now() - started >= FLOOD_MS) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });

    // The bystander, in the middle of it all, is neither refused nor held back beyond one window.
    const otherPage = 'https://shop.example/bystander';
    other.send({ type: 'visitor.page', url: otherPage, title: 'Bystander' });
    await agent.next('visitor.updated', (f) => f.visitor.id === bystander.visitorId && f.visitor.currentPage?.url === otherPage);
    expect(other.frames.filter((f) => f.type === 'error')).toEqual([]);
    const elapsedMs = Date.now() - started;

    // Frames reaching the agent: at most one per visitor per window (and one spare each for the
    // window the flood started in); the bystander counts too.
    const windows = Math.ceil(elapsedMs / WINDOW_MS) + 1;
    expect(agentFrames).toBeLessThanOrEqual(2 * windows);
    // Bytes: a profile per frame, plus each admitted page view or event once.
    const admittedAtMost = VISITOR_PER_MINUTE + Math.ceil((elapsedMs * VISITOR_PER_MINUTE) / 60_000) + CONNECTIONS;
    expect(agentBytes).toBeLessThanOrEqual(agentFrames * 1024 + admittedAtMost * 200);

    // What the store keeps of the flooder: capped.
    const storedPages = await relay.storage.listPageViews(flooder.visitorId, 10_000);
    const storedEvents = await relay.storage.listEvents(flooder.visitorId, 10_000);
    expect(storedPages.length).toBeLessThanOrEqual(KEEP);
    expect(storedEvents.length).toBeLessThanOrEqual(KEEP);
    expect((await relay.storage.listPageViews(bystander.visitorId, 10))[0]?.url).toBe(otherPage);

    // The flooder's last page is over its budget, but it is where the visitor is now.
    const finalPage = 'https://shop.example/final';
    tabs[7]!.send({ type: 'visitor.page', url: finalPage, title: 'Final' });
    await tabs[7]!.next('error', (f) => f.ref === 'visitor.page');
    await agent.next('visitor.updated', (f) => f.visitor.id === flooder.visitorId && f.visitor.currentPage?.url === finalPage);
    expect((await relay.storage.getVisitor(flooder.visitorId))?.currentPage?.url).toBe(finalPage);
    const otherUpdates = agent.frames.filter((f): f is VisitorUpdated => f.type === 'visitor.updated' && f.visitor.id === bystander.visitorId);
    expect(otherUpdates.flatMap((f) => f.pages ?? []).map((p) => p.url)).toEqual([otherPage]);

    // Nothing the agent should see was lost: every stored event and page view reached it, and
    // the newest it got is the newest stored.
    const updates = agent.frames.filter((f): f is VisitorUpdated => f.type === 'visitor.updated' && f.visitor.id === flooder.visitorId);
    const seenEvents = updates.flatMap((f) => f.events ?? []);
    const seenPages = updates.flatMap((f) => f.pages ?? []);
    expect(storedEvents.length).toBeGreaterThan(0);
    expect(seenEvents).toEqual(expect.arrayContaining(storedEvents));
    expect(seenPages).toEqual(expect.arrayContaining(storedPages));
    expect(Math.max(...seenEvents.map((e) => e.at))).toBe(storedEvents[0]!.at);
    expect(Math.max(...seenPages.map((p) => p.at))).toBe(storedPages[0]!.at);

    // The refusals are answered but not counted as misbehaviour: every tab is still connected.
    const refused = tabs.flatMap((tab) => tab.frames).filter((f) => f.type === 'error');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((f) => f.type === 'error' && f.code === 'rate_limited')).toBe(true);
    expect(tabs.every((tab) => tab.ws.readyState === tab.ws.OPEN)).toBe(true);

    for (const tab of tabs) tab.close();
    other.close();
    agent.close();
  });
});

describe('page views from many visitors of one address', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ addressActivityPerMinute: 5, visitorUpdateWindowMs: 0 });
  });
  afterAll(() => relay.stop());

  it('share the address budget, whichever visitor sends them', async () => {
    const visitors = await Promise.all([1, 2, 3].map(async () => {
      const { token } = await visitorToken(relay);
      const client = new TestClient(relay, token, PAGE_ORIGIN);
      await client.hello();
      return client;
    }));
    for (const [v, client] of visitors.entries()) {
      for (let i = 0; i < 3; i++) client.send({ type: 'visitor.page', url: `https://shop.example/${v}/${i}`, title: `${v}.${i}` });
      // Each page view is answered (refused) or not; a ping after them tells when all were handled.
      client.send({ type: 'ping', t: v });
      await client.next('pong');
    }
    const refused = visitors.map((client) => client.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited').length);
    // Nine page views, five admitted for the address: the first visitor's three, two of the second's.
    expect(refused).toEqual([0, 1, 3]);
    for (const client of visitors) client.close();
  });
});

describe('a page view refused just before the relay stops', () => {
  it('is still the visitor\'s current page after a restart', async () => {
    // A window far longer than the test: only the shutdown can write the held page.
    const options = { visitorActivityPerMinute: 1, visitorUpdateWindowMs: 600_000 };
    const first = await startTestRelay(options);
    const { token, visitorId } = await visitorToken(first);
    const tab = new TestClient(first, token, PAGE_ORIGIN);
    await tab.hello({ page: { url: 'https://shop.example/first', title: 'First' } });
    tab.send({ type: 'visitor.page', url: 'https://shop.example/last', title: 'Last' });
    await tab.next('error', (f) => f.code === 'rate_limited' && f.ref === 'visitor.page');
    await first.close();

    const second = await startTestRelay({ ...options, dataDir: first.dataDir });
    try {
      expect((await second.storage.getVisitor(visitorId))?.currentPage?.url).toBe('https://shop.example/last');
      // Refused, so not history: the only page view stored is the one the hello named.
      expect((await second.storage.listPageViews(visitorId, 10)).map((p) => p.url)).toEqual(['https://shop.example/first']);
    } finally {
      await second.stop();
    }
  });
});
