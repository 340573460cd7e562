import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/bus/memory-bus.js';
import type { AcceptsBusMeter, BusMeter } from '../src/metrics/bus-meter.js';
import { EXPOSITION_CONTENT_TYPE } from '../src/metrics/registry.js';
import { get, parseExposition, scrape } from './metrics-scrape.js';
import { PAGE_ORIGIN, TestClient, adminToken, startTestRelay, visitorToken, type TestRelay } from './relay-harness.js';

/** What moved between two scrapes, for the samples named. */
function moved(before: Map<string, number>, after: Map<string, number>, names: string[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, (after.get(n) ?? 0) - (before.get(n) ?? 0)]));
}

describe('/metrics', () => {
  let relay: TestRelay;
  let node: string;
  const sample = (name: string, labels = ''): string => `${name}{node="${node}"${labels ? `,${labels}` : ''}}`;

  beforeAll(async () => {
    relay = await startTestRelay({ nodeId: 'metrics-node' });
    node = relay.nodeId;
  });
  afterAll(() => relay.stop());

  it('answers this machine in the Prometheus text format, every sample labelled with the node', async () => {
    const res = await get(relay.metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(EXPOSITION_CONTENT_TYPE);
    expect(relay.metricsUrl).toBe(`${relay.url}/metrics`);
    const samples = parseExposition(res.body);
    expect(samples.size).toBeGreaterThan(20);
    for (const name of samples.keys()) expect(name).toContain('node="metrics-node"');
    for (const name of [
      'parley_event_loop_delay_p50_seconds',
      'parley_event_loop_delay_p99_seconds',
      'parley_event_loop_delay_max_seconds',
      'parley_cobrowse_sessions',
      'parley_calls',
      'parley_draining',
      'parley_bus_reconnects_total',
      'parley_bus_lag_seconds_count',
      'parley_gc_pause_seconds_count',
    ]) {
      expect(samples.has(sample(name)), name).toBe(true);
    }
    expect(samples.get(sample('parley_draining'))).toBe(0);
    expect(samples.get(sample('parley_build_info', 'version="0.1.0"'))).toBe(1);
    expect(samples.get(sample('process_resident_memory_bytes'))).toBeGreaterThan(1_000_000);
    expect(samples.get(sample('process_cpu_seconds_total'))).toBeGreaterThan(0);
  });

  it('counts connections, frames, stored messages, errors and latencies exactly', async () => {
    const { token } = await visitorToken(relay);
    const visitor = new TestClient(relay, token, PAGE_ORIGIN);
    await visitor.hello();
    visitor.send({ type: 'chat.send', clientId: 'metrics-first-1', text: 'first' });
    const { conversationId } = await visitor.next('chat.ack');
    const agent = new TestClient(relay, await adminToken(relay), relay.publicOrigin);
    await agent.hello();
    agent.send({ type: 'conversation.open', conversationId });
    await agent.next('conversation.detail');

    const before = await scrape(relay.metricsUrl);
    expect(before.get(sample('parley_connections', 'role="visitor"'))).toBe(1);
    expect(before.get(sample('parley_connections', 'role="agent"'))).toBe(1);

    visitor.send({ type: 'chat.send', conversationId, clientId: 'metrics-second', text: 'second' });
    await visitor.next('chat.ack', (f) => f.clientId === 'metrics-second');
    // A retry: acked again, appended as a duplicate, not stored twice.
    visitor.send({ type: 'chat.send', conversationId, clientId: 'metrics-second', text: 'second' });
    await visitor.next('chat.ack', (f) => f.clientId === 'metrics-second');
    await agent.next('chat.message', (f) => f.message.clientId === 'metrics-second');
    visitor.send({ type: 'ping', t: 1 });
    await visitor.next('pong');
    // Invalid: refused with bad_frame, not counted as a frame in.
    visitor.send({ type: 'chat.send', conversationId });
    await visitor.next('error');

    const after = await scrape(relay.metricsUrl);
    const t = (type: string): string => `type="${type}"`;
    expect(
      moved(before, after, [
        sample('parley_frames_in_total', t('chat.send')),
        sample('parley_frames_in_total', t('ping')),
        sample('parley_frames_out_total', t('chat.ack')),
        sample('parley_frames_out_total', t('pong')),
        sample('parley_frames_out_total', t('error')),
        sample('parley_errors_sent_total', 'code="bad_frame"'),
        sample('parley_messages_stored_total'),
        sample('parley_ack_latency_seconds_count'),
        sample('parley_storage_append_seconds_count'),
      ]),
    ).toEqual({
      [sample('parley_frames_in_total', t('chat.send'))]: 2,
      [sample('parley_frames_in_total', t('ping'))]: 1,
      [sample('parley_frames_out_total', t('chat.ack'))]: 2,
      [sample('parley_frames_out_total', t('pong'))]: 1,
      [sample('parley_frames_out_total', t('error'))]: 1,
      [sample('parley_errors_sent_total', 'code="bad_frame"')]: 1,
      [sample('parley_messages_stored_total')]: 1,
      [sample('parley_ack_latency_seconds_count')]: 2,
      [sample('parley_storage_append_seconds_count')]: 2,
    });
    // The agent got the message: at least its envelope was timed to the socket write.
    expect(moved(before, after, [sample('parley_frames_out_total', t('chat.message'))])).toEqual({
      [sample('parley_frames_out_total', t('chat.message'))]: 1,
    });
    expect(after.get(sample('parley_delivery_latency_seconds_count'))!).toBeGreaterThan(before.get(sample('parley_delivery_latency_seconds_count'))!);
    // Histograms are consistent: the +Inf bucket holds every observation.
    for (const h of ['parley_ack_latency_seconds', 'parley_storage_append_seconds', 'parley_delivery_latency_seconds']) {
      expect(after.get(`${h}_bucket{node="${node}",le="+Inf"}`), h).toBe(after.get(sample(`${h}_count`)));
    }

    agent.close();
    await agent.closed;
    await expect.poll(async () => (await scrape(relay.metricsUrl)).get(sample('parley_connections', 'role="agent"')), { timeout: 10_000 }).toBe(0);
    visitor.close();
  });

  it('refuses another client, and a request forwarded by a proxy on this machine', async () => {
    expect((await get(relay.metricsUrl, { localAddress: '127.0.0.2' })).status).toBe(403);
    expect((await get(relay.metricsUrl, { headers: { 'X-Forwarded-For': '203.0.113.9' } })).status).toBe(403);
    expect((await get(relay.metricsUrl, { headers: { Forwarded: 'for=203.0.113.9' } })).status).toBe(403);
    // Without a token configured, no bearer opens it.
    expect((await get(relay.metricsUrl, { localAddress: '127.0.0.2', headers: { Authorization: 'Bearer x' } })).status).toBe(403);
  });
});

describe('/metrics settings', () => {
  it('answers any client presenting PARLEY_METRICS_TOKEN, and no other', async () => {
    const relay = await startTestRelay({ metricsToken: 'scrape-secret-1' });
    try {
      const from = { localAddress: '127.0.0.2' };
      expect((await get(relay.metricsUrl, { ...from, headers: { Authorization: 'Bearer scrape-secret-1' } })).status).toBe(200);
      expect((await get(relay.metricsUrl, { ...from, headers: { Authorization: 'Bearer scrape-secret-2' } })).status).toBe(403);
      expect((await get(relay.metricsUrl, { ...from, headers: { Authorization: 'Basic scrape-secret-1' } })).status).toBe(403);
      expect((await get(relay.metricsUrl, from)).status).toBe(403);
      // This machine's scraper still needs none.
      expect((await get(relay.metricsUrl)).status).toBe(200);
    } finally {
      await relay.stop();
    }
  });

  it('moves to a port of its own with PARLEY_METRICS_PORT, open to whoever reaches that port', async () => {
    const relay = await startTestRelay({ metricsPort: 0 });
    try {
      expect(relay.metricsUrl).not.toBe(`${relay.url}/metrics`);
      expect((await get(`${relay.url}/metrics`)).status).toBe(404);
      const res = await get(relay.metricsUrl, { localAddress: '127.0.0.2' });
      expect(res.status).toBe(200);
      expect(res.body).toContain('# TYPE parley_connections gauge');
      expect((await get(relay.metricsUrl.replace('/metrics', '/readyz'))).status).toBe(404);
    } finally {
      await relay.stop();
    }
  });

  it('hands a bus between nodes the meter its lag and reconnects are reported through', async () => {
    let meter: BusMeter | null = null;
    const bus: MemoryBus & AcceptsBusMeter = Object.assign(new MemoryBus(), { attachMeter: (m: BusMeter) => void (meter = m) });
    const relay = await startTestRelay({ bus, nodeId: 'bus-node' });
    try {
      expect(meter).not.toBeNull();
      meter!.lag(0.004);
      meter!.reconnected();
      const samples = await scrape(relay.metricsUrl);
      expect(samples.get('parley_bus_lag_seconds_count{node="bus-node"}')).toBe(1);
      expect(samples.get('parley_bus_lag_seconds_bucket{node="bus-node",le="0.005"}')).toBe(1);
      expect(samples.get('parley_bus_reconnects_total{node="bus-node"}')).toBe(1);
    } finally {
      await relay.stop();
    }
  });

  it('fails to start, saying why, when the metrics port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-metrics-port-'));
    try {
      await expect(startTestRelay({ metricsPort: port, dataDir })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown client on its own port too once a token is set', async () => {
    const relay = await startTestRelay({ metricsPort: 0, metricsToken: 'scrape-secret-3' });
    try {
      expect((await get(relay.metricsUrl, { localAddress: '127.0.0.2' })).status).toBe(403);
      expect((await get(relay.metricsUrl, { localAddress: '127.0.0.2', headers: { Authorization: 'Bearer scrape-secret-3' } })).status).toBe(200);
    } finally {
      await relay.stop();
    }
  });
});

