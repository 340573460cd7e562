import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayMetrics } from './relay-metrics.js';

describe('RelayMetrics', () => {
  let metrics: RelayMetrics | null = null;
  afterEach(() => metrics?.stop());

  it('documents every metric in the README', async () => {
    metrics = new RelayMetrics('n', { cobrowseSessions: () => 0, calls: () => 0 });
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const table = readme.split('\n').filter((line) => /^ {2}\| `(parley|process|nodejs)_/.test(line));
    for (const name of metrics.registry.names()) expect(table.some((line) => line.includes(`\`${name}\``) || line.includes(`\`${name}{`)), name).toBe(true);
  });

  it('counts frames out by type and error frames by code from their text', () => {
    metrics = new RelayMetrics('n', { cobrowseSessions: () => 2, calls: () => 1 });
    metrics.frameOut(JSON.stringify({ type: 'chat.ack', clientId: 'a' }));
    metrics.frameOut(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'slow down' }));
    metrics.frameOut(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'slow down', ref: 'x' }));
    metrics.frameIn('chat.send');
    metrics.appended(0.002, false);
    metrics.appended(0.001, true);
    const text = metrics.encode();
    expect(text).toContain('parley_frames_out_total{node="n",type="chat.ack"} 1\n');
    expect(text).toContain('parley_frames_out_total{node="n",type="error"} 2\n');
    expect(text).toContain('parley_errors_sent_total{node="n",code="rate_limited"} 2\n');
    expect(text).toContain('parley_frames_in_total{node="n",type="chat.send"} 1\n');
    expect(text).toContain('parley_messages_stored_total{node="n"} 1\n');
    expect(text).toContain('parley_storage_append_seconds_count{node="n"} 2\n');
    expect(text).toContain('parley_cobrowse_sessions{node="n"} 2\n');
    expect(text).toContain('parley_calls{node="n"} 1\n');
  });

  it('records what a bus reports through its meter', () => {
    metrics = new RelayMetrics('n', { cobrowseSessions: () => 0, calls: () => 0 });
    metrics.bus.lag(0.003);
    metrics.bus.reconnected();
    const text = metrics.encode();
    expect(text).toContain('parley_bus_lag_seconds_count{node="n"} 1\n');
    expect(text).toContain('parley_bus_lag_seconds_bucket{node="n",le="0.0025"} 0\n');
    expect(text).toContain('parley_bus_lag_seconds_bucket{node="n",le="0.005"} 1\n');
    expect(text).toContain('parley_bus_reconnects_total{node="n"} 1\n');
  });

  it('reports the event-loop delay it measured', async () => {
    metrics = new RelayMetrics('n', { cobrowseSessions: () => 0, calls: () => 0 });
    // The monitor samples on a 10 ms timer and measures from its previous sample: let it take
    // its first one, then block the loop once for 60 ms.
    await new Promise<void>((resolve) => setTimeout(resolve, 30));
    const until = Date.now() + 60;
    while (Date.now() < until) {
      // busy: the delay being measured
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    await expect
      .poll(() => Number(/parley_event_loop_delay_max_seconds\{node="n"\} (\S+)/.exec(metrics!.encode())![1]), { timeout: 5000 })
      .toBeGreaterThanOrEqual(0.04);
  });

  it('records garbage-collection pauses', async () => {
    metrics = new RelayMetrics('n', { cobrowseSessions: () => 0, calls: () => 0 });
    const count = (): number => Number(/parley_gc_pause_seconds_count\{node="n"\} (\S+)/.exec(metrics!.encode())![1]);
    let kept: unknown[] = [];
    await expect
      .poll(() => {
        // Short-lived garbage: enough young-generation collections to be seen.
        for (let i = 0; i < 200_000; i++) kept.push({ i });
        kept = [];
        return count();
      }, { timeout: 10_000 })
      .toBeGreaterThan(0);
  });
});
