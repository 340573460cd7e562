/**
 * A small metrics registry: counters, gauges and histograms, each optionally split by one label,
 * and one encoder to the Prometheus text exposition format (version 0.0.4).
 *
 * Counting sits on the relay's hot path, so a sample is a plain object whose number is bumped in
 * place: label text is built once, when a sample is made, never per increment. A family makes a
 * sample the first time it sees a label value (frame types and error codes are finite), and the
 * encoder walks what exists at scrape time.
 */

/** The metric kinds of the exposition format that Parley uses. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** One counter sample: only ever goes up. */
export class Counter {
  /** The running total. */
  value = 0;
  /** `{node="a",type="chat.send"}`, made once. */
  readonly labelText: string;

  constructor(labelText: string) {
    this.labelText = labelText;
  }

  /** Adds `by` (default 1). */
  inc(by = 1): void {
    this.value += by;
  }
}

/** One gauge sample: set, raised or lowered, or read from `collect` at scrape time. */
export class Gauge {
  value = 0;
  readonly labelText: string;
  private readonly collect: (() => number) | undefined;

  constructor(labelText: string, collect?: () => number) {
    this.labelText = labelText;
    this.collect = collect;
  }

  set(value: number): void {
    this.value = value;
  }

  inc(by = 1): void {
    this.value += by;
  }

  dec(by = 1): void {
    this.value -= by;
  }

  /** The value to report: the collected one when the gauge has a collector. */
  read(): number {
    return this.collect ? this.collect() : this.value;
  }
}

/**
 * One histogram sample with fixed bucket bounds (in the metric's unit, seconds for latencies).
 * Counts are kept per bucket and summed into cumulative ones only when encoded.
 */
export class Histogram {
  readonly labelText: string;
  /** Upper bounds, ascending; the implicit last bucket is `+Inf`. */
  readonly bounds: readonly number[];
  /** Observations per bucket (not cumulative); one more slot than `bounds`, for `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labelText: string, bounds: readonly number[]) {
    this.labelText = labelText;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation. */
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

/** Latency buckets in seconds: 0.1 ms to 10 s, dense where Parley's budgets are (1-50 ms). */
export const LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
]);

type Sample = Counter | Gauge | Histogram;

/** A named metric: its help, kind, and its samples (one per label value). */
export class Family<S extends Sample> {
  readonly name: string;
  readonly help: string;
  readonly kind: MetricKind;
  /** The label that tells samples apart, or null for a metric with one sample. */
  readonly label: string | null;
  private readonly samples = new Map<string, S>();
  private readonly constLabels: string;
  private readonly make: (labelText: string) => S;

  constructor(name: string, help: string, kind: MetricKind, label: string | null, constLabels: string, make: (labelText: string) => S) {
    this.name = name;
    this.help = help;
    this.kind = kind;
    this.label = label;
    this.constLabels = constLabels;
    this.make = make;
  }

  /** The sample of a label value, made on first use (keep label values few: types, codes, roles). */
  of(value: string): S {
    let sample = this.samples.get(value);
    if (sample === undefined) {
      const pairs = this.label === null ? this.constLabels : joinLabels(this.constLabels, `${this.label}="${escapeLabel(value)}"`);
      sample = this.make(pairs === '' ? '' : `{${pairs}}`);
      this.samples.set(value, sample);
    }
    return sample;
  }

  /** The one sample of a metric without a label. */
  get only(): S {
    return this.of('');
  }

  /** Samples in the order they were made. */
  all(): IterableIterator<S> {
    return this.samples.values();
  }
}

/** Every metric of one relay node, and the encoder. */
export class MetricsRegistry {
  private readonly families: Family<Sample>[] = [];
  private readonly constLabels: string;

  /** @param constLabels labels on every sample (Parley puts `node` here). */
  constructor(constLabels: Readonly<Record<string, string>> = {}) {
    this.constLabels = Object.entries(constLabels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
  }

  /** A counter (name ending in `_total`), split by `label` when given. */
  counter(name: string, help: string, label: string | null = null): Family<Counter> {
    return this.add(new Family(name, help, 'counter', label, this.constLabels, (l) => new Counter(l)));
  }

  /** A gauge, split by `label` when given. */
  gauge(name: string, help: string, label: string | null = null): Family<Gauge> {
    return this.add(new Family(name, help, 'gauge', label, this.constLabels, (l) => new Gauge(l)));
  }

  /**
   * A metric with one sample whose value is read from `collect` at each scrape: a gauge, or a
   * counter that something else keeps (CPU time, say).
   */
  collected(name: string, help: string, collect: () => number, kind: 'gauge' | 'counter' = 'gauge'): Family<Gauge> {
    const family = this.add(new Family(name, help, kind, null, this.constLabels, (l) => new Gauge(l, collect)));
    family.of('');
    return family;
  }

  /** A histogram with the given bucket bounds (ascending), split by `label` when given. */
  histogram(name: string, help: string, bounds: readonly number[] = LATENCY_BUCKETS, label: string | null = null): Family<Histogram> {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`histogram ${name}: bucket bounds must ascend`);
    }
    return this.add(new Family(name, help, 'histogram', label, this.constLabels, (l) => new Histogram(l, bounds)));
  }

  /** The names of every metric, in registration order. */
  names(): string[] {
    return this.families.map((f) => f.name);
  }

  /** Every metric in the Prometheus text format, one `# HELP` and `# TYPE` per family. */
  encode(): string {
    const lines: string[] = [];
    for (const family of this.families) {
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.kind}`);
      for (const sample of family.all()) {
        if (sample instanceof Histogram) encodeHistogram(lines, family.name, sample);
        else lines.push(`${family.name}${sample.labelText} ${formatValue(sample instanceof Gauge ? sample.read() : sample.value)}`);
      }
    }
    lines.push('');
    return lines.join('\n');
  }

  private add<S extends Sample>(family: Family<S>): Family<S> {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(family.name)) throw new Error(`bad metric name ${JSON.stringify(family.name)}`);
    if (this.families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} registered twice`);
    if (family.label !== null && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(family.label)) throw new Error(`bad label name ${family.label}`);
    this.families.push(family as unknown as Family<Sample>);
    return family;
  }
}

/** The content type of `encode()`'s output. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function encodeHistogram(lines: string[], name: string, h: Histogram): void {
  // The `le` label joins the sample's own labels inside one pair of braces.
  const inner = h.labelText === '' ? '' : `${h.labelText.slice(1, -1)},`;
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.counts[i]!;
    lines.push(`${name}_bucket{${inner}le="${formatValue(h.bounds[i]!)}"} ${formatValue(cumulative)}`);
  }
  lines.push(`${name}_bucket{${inner}le="+Inf"} ${formatValue(h.count)}`);
  lines.push(`${name}_sum${h.labelText} ${formatValue(h.sum)}`);
  lines.push(`${name}_count${h.labelText} ${formatValue(h.count)}`);
}

function joinLabels(a: string, b: string): string {
  return a === '' ? b : `${a},${b}`;
}

/** A number as the format writes it: `+Inf`, `-Inf`, `NaN`, else JavaScript's shortest form. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Help text escapes backslash and line feed. */
function escapeHelp(value: string): string {
  return value.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}
