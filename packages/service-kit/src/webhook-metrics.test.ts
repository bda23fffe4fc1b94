import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { metricSample } from './testing/index.js';

describe('webhook metrics', () => {
  it('counts tries by outcome (every outcome present from the start) and times the requests', async () => {
    const metrics = createMetrics();
    expect(await metricSample(metrics, 'gatehouse_webhook_deliveries_total{outcome="failed_final"}')).toBe(0);
    metrics.webhooks.delivery('delivered', 0.02);
    metrics.webhooks.delivery('refused_destination', null);
    expect(await metricSample(metrics, 'gatehouse_webhook_deliveries_total{outcome="delivered"}')).toBe(1);
    expect(
      await metricSample(metrics, 'gatehouse_webhook_deliveries_total{outcome="refused_destination"}'),
    ).toBe(1);
    // A refused try made no request: nothing to time.
    expect(await metricSample(metrics, 'gatehouse_webhook_delivery_duration_seconds_count')).toBe(1);
  });

  it('reads the backlog at each scrape; a failed read keeps the last values and the scrape answers', async () => {
    const metrics = createMetrics();
    const now = new Date(1_700_000_060_000);
    let reads = 0;
    let failing = false;
    metrics.webhooks.watchBacklog(
      async () => {
        reads += 1;
        if (failing) throw new Error('database unavailable');
        return { count: 3, oldestCreatedAt: new Date(1_700_000_000_000) };
      },
      () => now,
    );
    expect(await metricSample(metrics, 'gatehouse_webhook_backlog')).toBe(3);
    // One read per scrape serves both gauges.
    expect(reads).toBe(1);
    expect(await metricSample(metrics, 'gatehouse_webhook_backlog_oldest_seconds')).toBe(60);
    failing = true;
    expect(await metricSample(metrics, 'gatehouse_webhook_backlog')).toBe(3);
  });
});
