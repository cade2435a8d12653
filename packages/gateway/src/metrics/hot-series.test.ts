import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from './hot-series';

/** Two registries with the same default labels: one for prom-client's metrics, one for ours. */
function registries() {
  const reference = new Registry();
  const hot = new Registry();
  for (const registry of [reference, hot]) registry.setDefaultLabels({ instance: 'gw-a' });
  return { reference, hot };
}

/**
 * The exposition with each line's labels in name order: Prometheus reads a series by its label
 * set, and prom-client puts default labels in a different place for its own metrics.
 */
async function exposition(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .map((line) =>
      line.replace(/\{([^}]*)\}/, (_, labels: string) => `{${labels.split(',').sort().join(',')}}`),
    );
}

const observations: [string, string, number][] = [
  ['/v1/chat/completions', 'l1', 0.0004],
  ['/v1/chat/completions', 'l1', 0.0009],
  ['/v1/chat/completions', 'upstream', 0.3],
  ['/v1/chat/completions', 'upstream', 75],
  ['/admin', 'none', 0.001],
];

describe('hot series', () => {
  it('render a histogram exactly as prom-client renders it, default labels included', async () => {
    const { reference, hot } = registries();
    const buckets = [0.0005, 0.001, 0.01, 1, 60];
    const expected = new Histogram({
      name: 'latency_seconds',
      help: 'Latency.',
      labelNames: ['route', 'tier'],
      buckets,
      registers: [reference],
    });
    const actual = new HotHistogram<'route' | 'tier'>({
      name: 'latency_seconds',
      help: 'Latency.',
      buckets,
      registry: hot,
    });
    for (const [route, tier, value] of observations) {
      expected.observe({ route, tier }, value);
      actual.observe(`${route} ${tier}`, () => ({ route, tier }), value);
    }
    expect(await exposition(hot)).toEqual(await exposition(reference));
    // Observing exactly on a bound counts in that bucket, as `le` says.
    expect(await hot.metrics()).toContain(
      'latency_seconds_bucket{le="0.001",route="/admin",tier="none",instance="gw-a"} 1',
    );
    hot.resetMetrics();
    expect(await hot.metrics()).not.toContain('latency_seconds_bucket');
  });

  it('render a counter exactly as prom-client renders it, scrape after scrape', async () => {
    const { reference, hot } = registries();
    const expected = new Counter({
      name: 'answers_total',
      help: 'Answers.',
      labelNames: ['route', 'tier'],
      registers: [reference],
    });
    const actual = new HotCounter({
      name: 'answers_total',
      help: 'Answers.',
      labelNames: ['route', 'tier'] as const,
      registry: hot,
    });
    for (const round of [1, 2]) {
      for (const [route, tier, value] of observations) {
        expected.inc({ route, tier }, value * round);
        actual.add(`${route} ${tier}`, () => ({ route, tier }), value * round);
      }
      expect(await exposition(hot)).toEqual(await exposition(reference));
    }
  });
});
