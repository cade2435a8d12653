import { Counter, type Histogram, type Registry } from 'prom-client';

/**
 * Series counted on every request, cache hits included. prom-client finds a series by hashing its
 * label object on every `inc` and `observe`, which cost an L1 hit more than its store lookup; these
 * keep their series in a `Map` under a key the caller builds from the label values (a few joined
 * strings), and prom-client sees them only when `/metrics` is scraped.
 */
interface Series<Labels> {
  readonly labels: Labels;
}

/** A counter whose series are added to in a `Map` and handed to prom-client at scrape time. */
export class HotCounter<Label extends string> {
  readonly #series = new Map<string, Series<Record<Label, string>> & { value: number }>();

  constructor(options: {
    name: string;
    help: string;
    labelNames: readonly Label[];
    registry: Registry;
  }) {
    const series = this.#series;
    new Counter({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      registers: [options.registry],
      collect() {
        this.reset();
        for (const { labels, value } of series.values()) this.inc(labels, value);
      },
    });
  }

  /**
   * Adds `by` to the series `key` names; `labels` is called only the first time a key is seen, so
   * a key must always name the same labels.
   */
  add(key: string, labels: () => Record<Label, string>, by = 1): void {
    const known = this.#series.get(key);
    if (known) known.value += by;
    else this.#series.set(key, { labels: labels(), value: by });
  }
}

/** Cumulative bucket counts of one histogram series, plus its sum and count. */
interface HistogramSeries<Labels> extends Series<Labels> {
  /** Observations per bucket (not cumulative), the last one for `+Inf`. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram with the same exposition as prom-client's (`_bucket{le}`, `_sum`, `_count`, default
 * labels added by the registry), observed without hashing labels. Registered in `registry` as a
 * metric of its own: the registry reads it through `get()`, as it reads its own metrics.
 */
export class HotHistogram<Label extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, HistogramSeries<Record<Label, string>>>();

  constructor(options: {
    name: string;
    help: string;
    buckets: readonly number[];
    registry: Registry;
  }) {
    this.name = options.name;
    this.help = options.help;
    this.#buckets = [...options.buckets].sort((a, b) => a - b);
    options.registry.registerMetric(this as unknown as Histogram);
  }

  /** Observes `value` in the series `key` names (see {@link HotCounter.add} for `labels`). */
  observe(key: string, labels: () => Record<Label, string>, value: number): void {
    let series = this.#series.get(key);
    if (!series) {
      series = {
        labels: labels(),
        counts: new Array(this.#buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    const buckets = this.#buckets;
    let index = 0;
    while (index < buckets.length && value > (buckets[index] as number)) index += 1;
    series.counts[index] = (series.counts[index] as number) + 1;
    series.sum += value;
    series.count += 1;
  }

  /** What the registry renders: every series' cumulative buckets, sum and count. */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] =
      [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.#buckets.forEach((bound, index) => {
        cumulative += counts[index] as number;
        values.push({
          labels: { le: bound, ...labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf', ...labels },
        value: count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  /** Forgets every series (`registry.resetMetrics()`). */
  reset(): void {
    this.#series.clear();
  }
}
