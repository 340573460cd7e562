import { describe, expect, it } from 'vitest';
import { MetricsRegistry, escapeLabel, formatValue } from './registry.js';

describe('MetricsRegistry', () => {
  it('encodes counters, gauges and labels with HELP and TYPE lines', () => {
    const r = new MetricsRegistry({ node: 'a' });
    const frames = r.counter('x_frames_total', 'Frames.', 'type');
    frames.of('chat.send').inc();
    frames.of('chat.send').inc(2);
    frames.of('ping').value++;
    const open = r.gauge('x_open', 'Open things.').only;
    open.inc();
    open.inc();
    open.dec();
    r.collected('x_live', 'Read at scrape time.', () => 7);
    expect(r.encode()).toBe(
      [
        '# HELP x_frames_total Frames.',
        '# TYPE x_frames_total counter',
        'x_frames_total{node="a",type="chat.send"} 3',
        'x_frames_total{node="a",type="ping"} 1',
        '# HELP x_open Open things.',
        '# TYPE x_open gauge',
        'x_open{node="a"} 1',
        '# HELP x_live Read at scrape time.',
        '# TYPE x_live gauge',
        'x_live{node="a"} 7',
        '',
      ].join('\n'),
    );
  });

  it('encodes a histogram with cumulative buckets, +Inf, sum and count', () => {
    const r = new MetricsRegistry({ node: 'a' });
    const h = r.histogram('x_seconds', 'Latency.', [0.01, 0.1, 1]).only;
    for (const v of [0.005, 0.01, 0.05, 0.5, 3]) h.observe(v);
    expect(r.encode().split('\n')).toEqual([
      '# HELP x_seconds Latency.',
      '# TYPE x_seconds histogram',
      // A value equal to a bound falls in that bound's bucket (le = less or equal).
      'x_seconds_bucket{node="a",le="0.01"} 2',
      'x_seconds_bucket{node="a",le="0.1"} 3',
      'x_seconds_bucket{node="a",le="1"} 4',
      'x_seconds_bucket{node="a",le="+Inf"} 5',
      'x_seconds_sum{node="a"} 3.565',
      'x_seconds_count{node="a"} 5',
      '',
    ]);
  });

  it('writes samples without labels bare', () => {
    const r = new MetricsRegistry();
    r.counter('y_total', 'Y.').only.inc();
    r.histogram('y_seconds', 'Y.', [1]).only.observe(2);
    expect(r.encode()).toContain('\ny_total 1\n');
    expect(r.encode()).toContain('\ny_seconds_bucket{le="1"} 0\ny_seconds_bucket{le="+Inf"} 1\ny_seconds_sum 2\ny_seconds_count 1\n');
  });

  it('escapes label values and help text as the format requires', () => {
    const r = new MetricsRegistry({ node: 'say "hi"\\\n' });
    r.counter('z_total', 'Back\\slash and\nnewline.').only.inc();
    const text = r.encode();
    expect(text).toContain('# HELP z_total Back\\\\slash and\\nnewline.\n');
    expect(text).toContain('z_total{node="say \\"hi\\"\\\\\\n"} 1\n');
    expect(escapeLabel('a"b')).toBe('a\\"b');
  });

  it('writes special numbers the way Prometheus reads them', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(1e-7)).toBe('1e-7');
    expect(formatValue(42)).toBe('42');
  });

  it('refuses bad names, duplicates and unordered buckets', () => {
    const r = new MetricsRegistry();
    r.counter('ok_total', 'Ok.');
    expect(() => r.counter('ok_total', 'Again.')).toThrow(/twice/);
    expect(() => r.counter('bad-name', 'Bad.')).toThrow(/bad metric name/);
    expect(() => r.counter('l_total', 'L.', 'bad-label')).toThrow(/bad label/);
    expect(() => r.histogram('h_seconds', 'H.', [1, 1])).toThrow(/ascend/);
  });
});
